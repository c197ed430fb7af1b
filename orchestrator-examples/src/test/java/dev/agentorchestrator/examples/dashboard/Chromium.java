package dev.agentorchestrator.examples.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through chromedriver, both Debian's (the {@code chromium} and
 * {@code chromium-driver} packages, which {@code .ci/run} installs). Started with the flags that
 * keep it from reaching for the network and a fresh profile of its own.
 */
final class Chromium {

    static final Path BINARY = Path.of(System.getProperty("dashboard.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("dashboard.chromedriver", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    /**
     * Skips the calling test when Chromium is not installed on a developer's machine; on CI (where
     * {@code CI} is set) a missing browser is a failure, because there it must be installed.
     */
    static void requireInstalled() {
        boolean present = Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
        String message = "the browser tests need Chromium and chromedriver at " + BINARY + " and " + DRIVER
                + " (on Debian: apt-get install chromium chromium-driver)";
        if (System.getenv("CI") != null) {
            Assertions.assertTrue(present, message);
        }
        Assumptions.assumeTrue(present, "Skipped: " + message);
    }

    static ChromeDriver start(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1440,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the browser shows under {@code target/}, named after the test. */
    static Path screenshot(WebDriver driver, String name) {
        try {
            Path target = Files.createDirectories(Path.of("target", "screenshots"));
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Path file = target.resolve(name + ".png");
            Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
