import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads one file and checks its SHA-512, for mvnw on machines that have a JDK but no curl or
 * wget. Run as a single-file program: java Download.java URL TARGET SHA512
 */
public class Download {
    public static void main(String[] args) throws Exception {
        try {
            download(args);
        } catch (IOException | InterruptedException e) {
            System.err.println("mvnw: could not download " + args[0] + ": " + e
                    + "\nmvnw: set MVNW_REPOURL to a Maven repository this machine can reach, or install Maven 3.8.1+");
            System.exit(1);
        }
    }

    private static void download(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        Path target = Path.of(args[1]);
        String expected = args[2];
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        try (InputStream in = response.body(); var out = Files.newOutputStream(part)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equalsIgnoreCase(expected)) {
            Files.deleteIfExists(part);
            throw new IOException("SHA-512 of " + uri + " is " + actual + ", expected " + expected + "; not using it");
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
