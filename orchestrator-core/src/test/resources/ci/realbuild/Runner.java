import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A test runner in one file, started with "java Runner.java REPORT_DIR CLASS...": runs every
 * public static no-argument method of each class, counts an AssertionError as a failure and
 * anything else thrown as an error, and writes one Surefire-shaped report per class.
 */
public class Runner {
    public static void main(String[] args) throws Exception {
        Path reports = Files.createDirectories(Path.of(args[0]));
        int run = 0, failures = 0, errors = 0;
        for (String className : Arrays.copyOfRange(args, 1, args.length)) {
            Class<?> tests = Class.forName(className);
            StringBuilder cases = new StringBuilder();
            int classFailures = 0, classErrors = 0, classRun = 0;
            Method[] methods = tests.getDeclaredMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName));
            for (Method m : methods) {
                if (!Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers()) || m.getParameterCount() != 0) {
                    continue;
                }
                classRun++;
                cases.append("  <testcase name=\"").append(xml(m.getName())).append("\" classname=\"").append(xml(className)).append("\"");
                try {
                    m.invoke(null);
                    cases.append("/>\n");
                } catch (InvocationTargetException e) {
                    Throwable t = e.getCause();
                    String kind = t instanceof AssertionError ? "failure" : "error";
                    if (t instanceof AssertionError) {
                        classFailures++;
                    } else {
                        classErrors++;
                    }
                    StringWriter stack = new StringWriter();
                    t.printStackTrace(new PrintWriter(stack));
                    cases.append(">\n    <").append(kind).append(" message=\"").append(xml(String.valueOf(t.getMessage())))
                            .append("\" type=\"").append(t.getClass().getName()).append("\">").append(xml(stack.toString()))
                            .append("</").append(kind).append(">\n  </testcase>\n");
                }
            }
            String report = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"" + xml(className) + "\" tests=\"" + classRun
                    + "\" failures=\"" + classFailures + "\" errors=\"" + classErrors + "\" skipped=\"0\">\n" + cases + "</testsuite>\n";
            Files.writeString(reports.resolve("TEST-" + className + ".xml"), report);
            System.out.println("Tests run: " + classRun + ", Failures: " + classFailures + ", Errors: " + classErrors
                    + ", Skipped: 0, Time elapsed: 0 s - in " + className);
            run += classRun;
            failures += classFailures;
            errors += classErrors;
        }
        System.out.println("Tests run: " + run + ", Failures: " + failures + ", Errors: " + errors + ", Skipped: 0");
        System.exit(failures + errors == 0 ? 0 : 1);
    }

    private static String xml(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 && c != '\n' && c != '\t' && c != '\r' ? '?' : c);
            }
        }
        return out.toString();
    }
}
