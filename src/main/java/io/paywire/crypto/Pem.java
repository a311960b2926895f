package io.paywire.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * Reads and writes certificates and keys as PEM files, the form openssl and operators use.
 *
 * <p>Keys and certificates come out as JDK objects (Bouncy Castle only parses), so they work with
 * javax.net.ssl as well as with {@link Signatures}. Errors are IOExceptions whose message names the
 * file and what was wrong with it, never any of its content.
 */
public final class Pem {

  /** A PEM file of certificates or keys is a few kilobytes; anything this big is a wrong path. */
  public static final long MAX_FILE_BYTES = 1024 * 1024;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> WORLD_READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  private Pem() {}

  /** The first certificate in the file. */
  public static X509Certificate readCertificate(Path file) throws IOException {
    return readCertificates(file).get(0);
  }

  /** Every certificate in the file, in order, skipping other blocks; at least one. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : parse(file)) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (CertificateException e) {
          throw new IOException(file + ": unreadable certificate: " + e.getMessage(), e);
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new IOException(file + ": no CERTIFICATE block in the file");
    }
    return certificates;
  }

  /**
   * The first private key in the file: PKCS#8 "PRIVATE KEY" (RSA, EC, Ed25519) or the traditional
   * "RSA PRIVATE KEY" / "EC PRIVATE KEY" that {@code openssl genrsa -traditional} and {@code
   * openssl ecparam -genkey} write. An "EC PARAMETERS" block before the key is skipped. Encrypted
   * keys are refused: the node starts unattended, with nobody to type a passphrase.
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : parse(file)) {
      if (object instanceof PrivateKeyInfo info) {
        return converted(file, () -> converter.getPrivateKey(info));
      }
      if (object instanceof PEMKeyPair pair) {
        return converted(file, () -> converter.getKeyPair(pair).getPrivate());
      }
      if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new IOException(
            file + ": encrypted private key not supported (store it unencrypted, mode 0600)");
      }
    }
    throw new IOException(file + ": no private key in the file");
  }

  /** The first "PUBLIC KEY" (SubjectPublicKeyInfo) in the file. */
  public static PublicKey readPublicKey(Path file) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : parse(file)) {
      if (object instanceof SubjectPublicKeyInfo info) {
        return converted(file, () -> converter.getPublicKey(info));
      }
    }
    throw new IOException(file + ": no PUBLIC KEY block in the file");
  }

  /**
   * Writes the key as PKCS#8 "PRIVATE KEY". The file is created readable by its owner only (0600)
   * from its first byte, written in full and synced under a temporary name, then renamed over
   * {@code file}: a crash leaves the old file or the new one, never half a key.
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    writeAtomically(file, toPem(key), OWNER_ONLY);
  }

  /**
   * The key as a PKCS#8 "PRIVATE KEY" block, for TLS libraries that take keys as text. Keep the
   * result in memory only; files go through {@link #writePrivateKey}.
   */
  public static String toPem(PrivateKey key) {
    try {
      // JcaPKCS8Generator, not the key itself: that would write RSA and EC keys in the
      // traditional formats.
      return write(new JcaPKCS8Generator(key, null));
    } catch (PemGenerationException e) {
      throw new IllegalArgumentException("key cannot be encoded as PKCS#8", e);
    }
  }

  /** Writes the certificate as a "CERTIFICATE" block, mode 0644, with the same atomic rename. */
  public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    writeAtomically(file, toPem(certificate), WORLD_READABLE);
  }

  /**
   * Writes the certificates one after another, first to last, mode 0644, with the same atomic
   * rename: a leaf followed by its issuer, as TLS libraries read a chain file.
   */
  public static void writeCertificates(Path file, List<X509Certificate> certificates)
      throws IOException {
    StringBuilder text = new StringBuilder();
    certificates.forEach(c -> text.append(toPem(c)));
    writeAtomically(file, text.toString(), WORLD_READABLE);
  }

  /** Writes the key as a "PUBLIC KEY" block, mode 0644, with the same atomic rename. */
  public static void writePublicKey(Path file, PublicKey key) throws IOException {
    writeAtomically(file, toPem(key), WORLD_READABLE);
  }

  public static String toPem(X509Certificate certificate) {
    return write(certificate);
  }

  /** The key as a "PUBLIC KEY" block, the form {@code openssl pkey -pubout} writes. */
  /**
   * The SubjectPublicKeyInfo of one {@code PUBLIC KEY} PEM block given as text (a key sent in a
   * request), or null if the text is not exactly that. The key itself is not checked here.
   */
  public static byte[] publicKeyInfo(String pem) {
    final String begin = "-----BEGIN PUBLIC KEY-----";
    final String end = "-----END PUBLIC KEY-----";
    if (pem == null || pem.length() > MAX_PUBLIC_KEY_PEM_CHARS) {
      return null;
    }
    String text = pem.strip();
    if (!text.startsWith(begin)
        || !text.endsWith(end)
        || text.length() < begin.length() + end.length()) {
      return null;
    }
    String body = text.substring(begin.length(), text.length() - end.length());
    try {
      byte[] der = Base64.getMimeDecoder().decode(body);
      return der.length == 0 ? null : der;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  /** Longer PEM text than an 8192-bit RSA key needs is no public key. */
  public static final int MAX_PUBLIC_KEY_PEM_CHARS = 4096;

  public static String toPem(PublicKey key) {
    return write(key);
  }

  private static String write(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      // Only encoding can fail when writing to a string, and only for an object that cannot be
      // encoded, which a certificate or public key from a JDK provider always can.
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** All the PEM blocks in the file, parsed; at least one. */
  private static List<Object> parse(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(file + ": larger than " + MAX_FILE_BYTES + " bytes, not a PEM file");
    }
    // ISO-8859-1 maps every byte, so a binary file reaches the parser (and is refused there)
    // instead of failing with a charset error that would not say what is wrong.
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      // Bouncy Castle's messages describe the structure ("malformed PEM data", "unrecognised
      // object: X"), not the content, so they are safe to pass on.
      throw new IOException(file + ": malformed PEM: " + e.getMessage(), e);
    }
    if (objects.isEmpty()) {
      throw new IOException(file + ": not a PEM file (no -----BEGIN block)");
    }
    return objects;
  }

  private interface Conversion<T> {
    T convert() throws IOException;
  }

  private static <T> T converted(Path file, Conversion<T> conversion) throws IOException {
    try {
      return conversion.convert();
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": unusable key: " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path file, String text, Set<PosixFilePermission> permissions)
      throws IOException {
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    // POSIX permissions are given at creation, so the key is never readable by others, not even
    // between create and chmod. On a file system without POSIX permissions (Windows), the file
    // inherits the directory's access rules instead.
    FileAttribute<?>[] attributes =
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
            : new FileAttribute<?>[0];
    Path temporary =
        Files.createTempFile(directory, "." + target.getFileName(), ".tmp", attributes);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        // Synced before the rename, or a crash could leave the new name on an empty file.
        channel.force(true);
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
    syncDirectory(directory);
  }

  /** Makes the rename itself durable. Linux allows syncing a directory; other systems may not. */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException unsupported) {
      // The file is complete under its new name either way; only the rename's durability across a
      // power cut is at stake, and there is nothing more to do about it here.
    }
  }
}
