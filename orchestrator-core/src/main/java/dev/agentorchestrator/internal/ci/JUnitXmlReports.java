package dev.agentorchestrator.internal.ci;

import dev.agentorchestrator.TestFailure;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads JUnit XML test reports with a streaming (StAX) parser: the shapes Maven Surefire and
 * Failsafe, Gradle, pytest {@code --junitxml}, the Jest and Vitest junit reporters and
 * go-junit-report write. All of them are {@code <testsuites>} or {@code <testsuite>} (nested to
 * any depth) holding {@code <testcase>} elements, each with an optional {@code <failure>},
 * {@code <error>} or {@code <skipped>} and its own {@code <system-out>}/{@code <system-err>}.
 *
 * <p>Tests are counted from the {@code <testcase>} elements, not the suites' attributes, which
 * tools fill in differently and nested suites would count twice. Surefire's
 * {@code <flakyFailure>}/{@code <rerunFailure>} records of earlier attempts do not make a test fail.
 *
 * <p>Memory stays bounded whatever the file holds: text is taken in the parser's chunks and only
 * both ends of a failing test's stack and output are kept. DTDs and external entities are refused
 * (no XXE, no fetching), and a report larger than the size limit is not read at all, because a
 * single attribute value is the one thing StAX always holds whole.
 */
public final class JUnitXmlReports {

    private static final int MESSAGE_MAX = 1_000;
    private static final int STACK_HEAD = 2_000;
    private static final int STACK_TAIL = 1_500;
    private static final int OUTPUT_TAIL = 1_500;

    private final XMLInputFactory factory;
    private final long maxReportBytes;

    public JUnitXmlReports(long maxReportBytes) {
        this.maxReportBytes = maxReportBytes;
        // The JDK's own implementation, whatever a host puts on the class path: its safety
        // properties below are the ones we test.
        this.factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("the report refers to an external entity (" + systemId + "), which is not read");
        });
    }

    /**
     * Adds the tests of one report to {@code tally}; anything wrong with the file becomes a note
     * naming {@code shownAs}, never an exception.
     */
    public void read(Path report, String shownAs, ReportTally tally) {
        long size;
        try {
            size = Files.size(report);
        } catch (IOException e) {
            tally.note(shownAs + ": could not be read (" + e.getMessage() + "); its tests are not counted");
            return;
        }
        if (size > maxReportBytes) {
            tally.note(shownAs + ": is " + megabytes(size) + ", over the " + megabytes(maxReportBytes)
                    + " limit for one report, so its tests are not counted; raise the limit with"
                    + " CommandCiRunner.withMaxReportSize(bytes) if the report is real");
            return;
        }
        Parse parse = new Parse(shownAs, tally);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(report), 64 * 1024)) {
            XMLStreamReader xml = factory.createXMLStreamReader(in);
            try {
                parse.run(xml);
            } finally {
                xml.close();
            }
        } catch (XMLStreamException e) {
            tally.note(shownAs + ": is not well-formed XML or is cut short" + where(e.getLocation()) + " ("
                    + firstLine(e.getMessage()) + ")" + (parse.sawDtd ? "; its DOCTYPE is not read, for safety, so entities"
                    + " it declares are unknown" : "") + "; the " + parse.counted + " test(s) before that point are counted");
        } catch (IOException | RuntimeException e) {
            tally.note(shownAs + ": could not be read (" + e + "); the " + parse.counted
                    + " test(s) before that point are counted");
        }
        if (parse.sawRoot) {
            tally.reportRead();
        }
    }

    private static String where(Location location) {
        if (location == null || location.getLineNumber() < 0) {
            return "";
        }
        return " at line " + location.getLineNumber() + ", column " + location.getColumnNumber();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        // The JDK prefixes its messages with "ParseError at [row,col]:[..]"; the location is said already.
        String m = message.replaceFirst("(?s)^ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message:\\s*", "").strip();
        int newline = m.indexOf('\n');
        return newline >= 0 ? m.substring(0, newline) : m;
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    /** The state of reading one file. */
    private static final class Parse {
        private final String shownAs;
        private final ReportTally tally;
        private final Deque<String> suites = new ArrayDeque<>();
        private boolean sawRoot;
        private boolean sawDtd;
        private int counted;
        private int depth;

        // the test case being read, if any
        private int caseDepth = -1;
        private String caseName;
        private String caseClass;
        private boolean caseSkipped;
        private TestFailure.Kind caseKind;
        private String caseMessage;
        private BoundedText caseStack;
        private BoundedText caseOutput;

        // the element whose text is being kept, if any
        private int captureDepth = -1;
        private BoundedText capture;

        Parse(String shownAs, ReportTally tally) {
            this.shownAs = shownAs;
            this.tally = tally;
        }

        void run(XMLStreamReader xml) throws XMLStreamException {
            while (xml.hasNext()) {
                switch (xml.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        depth++;
                        if (!start(xml)) {
                            return;
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        end(xml.getLocalName());
                        depth--;
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (capture != null) {
                            capture.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
                        }
                    }
                    case XMLStreamConstants.DTD -> sawDtd = true;
                    default -> {
                        // comments, processing instructions, the prolog: nothing to count
                    }
                }
            }
        }

        /** Returns false when the file turns out not to be a test report at all. */
        private boolean start(XMLStreamReader xml) {
            String element = xml.getLocalName();
            if (depth == 1) {
                if (!element.equals("testsuites") && !element.equals("testsuite")) {
                    tally.note(shownAs + ": is not a JUnit XML report (its root element is <" + element
                            + ">, not <testsuites> or <testsuite>); it is ignored");
                    return false;
                }
                sawRoot = true;
            }
            if (element.equals("testsuite")) {
                suites.push(attribute(xml, "name"));
            } else if (element.equals("testcase") && caseDepth < 0) {
                caseDepth = depth;
                caseName = attribute(xml, "name");
                String className = attribute(xml, "classname");
                caseClass = className.isEmpty() && !suites.isEmpty() ? suites.peek() : className;
                caseSkipped = false;
                caseKind = null;
                caseMessage = "";
                caseStack = null;
                caseOutput = null;
            } else if (caseDepth >= 0 && depth == caseDepth + 1) {
                switch (element) {
                    case "failure", "error" -> {
                        if (caseKind == null) {
                            caseKind = element.equals("failure") ? TestFailure.Kind.FAILED : TestFailure.Kind.ERRORED;
                            caseMessage = attribute(xml, "message");
                            caseStack = new BoundedText(STACK_HEAD, STACK_TAIL);
                            capture(caseStack);
                        }
                    }
                    case "skipped" -> caseSkipped = true;
                    case "system-out", "system-err" -> {
                        if (caseOutput == null) {
                            caseOutput = new BoundedText(0, OUTPUT_TAIL);
                        }
                        capture(caseOutput);
                    }
                    default -> {
                        // properties, flakyFailure, rerunFailure and the like: earlier attempts, not the verdict
                    }
                }
            }
            return true;
        }

        private void capture(BoundedText into) {
            capture = into;
            captureDepth = depth;
        }

        private void end(String element) {
            if (depth == captureDepth) {
                capture = null;
                captureDepth = -1;
            }
            if (element.equals("testsuite") && !suites.isEmpty()) {
                suites.pop();
            } else if (depth == caseDepth) {
                finishCase();
                caseDepth = -1;
            }
        }

        private void finishCase() {
            counted++;
            if (caseKind != null) {
                tally.failing(new TestFailure(caseName.isEmpty() ? "(unnamed test)" : caseName, caseClass, caseKind,
                        message(), detail()));
            } else if (caseSkipped) {
                tally.skipped();
            } else {
                tally.passed();
            }
        }

        private String message() {
            String m = caseMessage.strip();
            // go-junit-report says only "Failed"; the first line of the output says what.
            if ((m.isEmpty() || m.equalsIgnoreCase("failed")) && caseStack != null && !caseStack.firstLine().isEmpty()) {
                m = caseStack.firstLine();
            }
            return m.length() <= MESSAGE_MAX ? m : m.substring(0, MESSAGE_MAX - 3) + "...";
        }

        private String detail() {
            String stack = caseStack == null ? "" : caseStack.toString().strip();
            if (caseOutput == null || caseOutput.isBlank()) {
                return stack;
            }
            String output = "--- output (last lines) ---\n" + caseOutput.toString().strip();
            return stack.isEmpty() ? output : stack + "\n" + output;
        }

        private static String attribute(XMLStreamReader xml, String name) {
            String value = xml.getAttributeValue(null, name);
            return value == null ? "" : value;
        }
    }
}
