package io.paywire.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium from Debian's {@code chromium} package, driven through Debian's {@code
 * chromedriver} with Selenium WebDriver: nothing is downloaded, and a missing package fails the
 * test (the README's test command installs both). Each browser has its own new profile, so its
 * IndexedDB (the console's keys) is its own. The node's TLS certificate is trusted by the SHA-256
 * of its public key only ({@code --ignore-certificate-errors-spki-list}), not by turning
 * certificate checks off.
 */
public final class Browser implements AutoCloseable {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Where screenshots go for review (docs/console.md shows some). */
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  public static final Dimension WIDE = new Dimension(1280, 900);
  public static final Dimension NARROW = new Dimension(390, 844);

  private final ChromeDriver driver;
  private final Path downloads;

  private Browser(ChromeDriver driver, Path downloads) {
    this.driver = driver;
    this.downloads = downloads;
  }

  /**
   * A new browser with its profile and downloads under {@code directory}, trusting the certificate
   * {@code serverCertificate} by its key.
   */
  public static Browser open(Path directory, Path serverCertificate) throws Exception {
    for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(
            binary
                + " is missing: apt-get install -y chromium "
                + "chromium-driver (the README's test command does)");
      }
    }
    Path profile = Files.createDirectories(directory.resolve("profile"));
    Path downloads = Files.createDirectories(directory.resolve("downloads"));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-extensions",
        "--password-store=basic",
        "--user-data-dir=" + profile.toAbsolutePath(),
        "--window-size=" + WIDE.width + "," + WIDE.height,
        "--ignore-certificate-errors-spki-list=" + spkiPin(serverCertificate));
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toAbsolutePath().toString(),
            "download.prompt_for_download",
            false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(TIMEOUT);
    return new Browser(driver, downloads);
  }

  /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium wants it. */
  static String spkiPin(Path certificate) throws Exception {
    try (var in = Files.newInputStream(certificate)) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  public Path downloads() {
    return downloads;
  }

  public void open(String url) {
    driver.get(url);
    until(
        "the console started",
        () -> "true".equals(driver.findElement(By.tagName("body")).getDomAttribute("data-ready")));
  }

  public WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  /** Replaces an input's text. */
  public void type(String id, String text) {
    WebElement input = byId(id);
    input.clear();
    input.sendKeys(text);
  }

  public void click(String id) {
    byId(id).click();
  }

  /** The element's visible text. */
  public String text(String id) {
    return byId(id).getText();
  }

  public boolean visible(String id) {
    List<WebElement> found = driver.findElements(By.id(id));
    return !found.isEmpty() && found.get(0).isDisplayed();
  }

  /** Waits until {@code condition} holds, failing with what the page logged. */
  public void until(String what, BooleanSupplier condition) {
    try {
      new WebDriverWait(driver, TIMEOUT).until(d -> condition.getAsBoolean());
    } catch (RuntimeException e) {
      throw new AssertionError(
          "timed out waiting until "
              + what
              + "; alert: "
              + alertText()
              + "; status: "
              + statusText()
              + "; browser log: "
              + log(),
          e);
    }
  }

  /** Waits until the element's text contains {@code text}. */
  public void untilText(String id, String text) {
    until(
        "#" + id + " shows \"" + text + "\"",
        () -> {
          List<WebElement> found = driver.findElements(By.id(id));
          return !found.isEmpty() && found.get(0).getText().contains(text);
        });
  }

  public String alertText() {
    List<WebElement> found = driver.findElements(By.id("alert"));
    return found.isEmpty() || !found.get(0).isDisplayed() ? "" : found.get(0).getText();
  }

  public String statusText() {
    List<WebElement> found = driver.findElements(By.id("status"));
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  /** What the page wrote to the console (errors included) since the last call. */
  public String log() {
    try {
      return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .map(LogEntry::toString)
          .collect(Collectors.joining(" | "));
    } catch (RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Saves the whole page as target/screenshots/{@code name}-{wide|narrow}.png, at a desktop's width
   * and at a phone's.
   */
  public void screenshots(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    for (Map.Entry<String, Dimension> size : Map.of("wide", WIDE, "narrow", NARROW).entrySet()) {
      driver.manage().window().setSize(size.getValue());
      long height =
          ((Number) driver.executeScript("return document.documentElement.scrollHeight"))
              .longValue();
      driver
          .manage()
          .window()
          .setSize(
              new Dimension(
                  size.getValue().width,
                  (int) Math.max(size.getValue().height, Math.min(height + 100, 4000))));
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          shot,
          SCREENSHOTS.resolve(name + "-" + size.getKey() + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    driver.manage().window().setSize(WIDE);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
