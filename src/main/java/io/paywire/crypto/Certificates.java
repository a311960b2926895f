package io.paywire.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Makes the certificates a node needs: self-signed ones for users' client certificates and peer
 * listeners, and a small local CA with server certificates for nodes that have none of their own.
 * Also computes the SHA-256 fingerprints clients pin.
 *
 * <p>Certificates are built with Bouncy Castle and signed and returned by the JDK's providers, so
 * they are ordinary {@link X509Certificate}s. Failures here are broken invariants (a key of an
 * unsupported family, an invalid name), so they are unchecked.
 */
public final class Certificates {

  /** Allows for clocks a little behind ours, so a fresh certificate is not "not yet valid". */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  private static final int FINGERPRINT_HEX_CHARS = 64;

  private Certificates() {}

  /** A self-signed end-entity certificate valid from a minute ago for {@code validity}. */
  public static X509Certificate selfSigned(KeyPair keys, String commonName, Duration validity) {
    Instant now = Instant.now();
    return selfSigned(keys, commonName, now.minus(CLOCK_SKEW), now.plus(positive(validity)));
  }

  /** A self-signed end-entity certificate with explicit dates, which may lie in the past. */
  public static X509Certificate selfSigned(
      KeyPair keys, String commonName, Instant notBefore, Instant notAfter) {
    X500Name name = name(commonName);
    X509v3CertificateBuilder builder = builder(name, notBefore, notAfter, name, keys.getPublic());
    JcaX509ExtensionUtils extensions = extensionUtils();
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(false));
    addExtension(builder, Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    addExtension(
        builder,
        Extension.subjectKeyIdentifier,
        false,
        extensions.createSubjectKeyIdentifier(keys.getPublic()));
    return sign(builder, keys);
  }

  /**
   * A CA certificate that may sign end-entity certificates only (path length 0): a local CA has no
   * reason to delegate, and refusing to lets a leaked server key do less harm.
   */
  public static X509Certificate certificateAuthority(
      KeyPair caKeys, String commonName, Duration validity) {
    Instant now = Instant.now();
    X500Name name = name(commonName);
    X509v3CertificateBuilder builder =
        builder(
            name, now.minus(CLOCK_SKEW), now.plus(positive(validity)), name, caKeys.getPublic());
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(0));
    addExtension(
        builder, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    addExtension(
        builder,
        Extension.subjectKeyIdentifier,
        false,
        extensionUtils().createSubjectKeyIdentifier(caKeys.getPublic()));
    return sign(builder, caKeys);
  }

  /**
   * A TLS server certificate signed by the CA, naming the server by DNS names and IP addresses in
   * its SubjectAlternativeName (what clients check; the subject CN is only for people reading it).
   * Key usage is digitalSignature alone, which suits the (EC)DHE key exchanges of TLS 1.2 and 1.3.
   */
  public static X509Certificate serverCertificate(
      KeyPair caKeys,
      X509Certificate ca,
      PublicKey serverKey,
      List<String> dnsNames,
      List<String> ipAddresses,
      Duration validity) {
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      if (dns == null || dns.isBlank()) {
        throw new IllegalArgumentException("blank DNS name");
      }
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (String ip : ipAddresses) {
      if (ip == null || !IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("not an IP address: " + ip);
      }
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "a server certificate needs at least one DNS name or IP address");
    }
    String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
    JcaX509v3CertificateBuilder builder =
        issuedBuilder(caKeys, ca, serverKey, commonName, validity);
    addExtension(builder, Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    addExtension(
        builder,
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    addExtension(
        builder,
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(names.toArray(GeneralName[]::new)));
    return sign(builder, caKeys);
  }

  /**
   * A certificate for a user of the original client, signed by a CA: the same certificate
   * authenticates the user to the node, the payer to the payee, and the payee as the TLS server of
   * a peer payment, so it is good for both client and server authentication. It names the user in
   * its CN only: peers check the issuer, not a host name.
   */
  public static X509Certificate peerCertificate(
      KeyPair caKeys, X509Certificate ca, PublicKey userKey, String commonName, Duration validity) {
    JcaX509v3CertificateBuilder builder = issuedBuilder(caKeys, ca, userKey, commonName, validity);
    addExtension(
        builder,
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    addExtension(
        builder,
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
    return sign(builder, caKeys);
  }

  /**
   * An end-entity certificate issued by {@code ca}, valid from a minute ago for {@code validity} in
   * all (so until a minute short of {@code validity} from now), with the extensions every such
   * certificate has (not a CA, subject and authority key identifiers); the caller adds its usages.
   */
  private static JcaX509v3CertificateBuilder issuedBuilder(
      KeyPair caKeys,
      X509Certificate ca,
      PublicKey subjectKey,
      String commonName,
      Duration validity) {
    if (!Arrays.equals(ca.getPublicKey().getEncoded(), caKeys.getPublic().getEncoded())) {
      throw new IllegalArgumentException("the CA keys do not belong to the CA certificate");
    }
    // notAfter - notBefore is the validity exactly: clients that bound it count from notBefore.
    Instant notBefore = Instant.now().minus(CLOCK_SKEW);
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            ca,
            serial(),
            Date.from(notBefore),
            Date.from(notBefore.plus(positive(validity))),
            name(commonName),
            subjectKey);
    JcaX509ExtensionUtils extensions = extensionUtils();
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(false));
    addExtension(
        builder,
        Extension.subjectKeyIdentifier,
        false,
        extensions.createSubjectKeyIdentifier(subjectKey));
    try {
      addExtension(
          builder,
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(ca));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("unencodable CA certificate", e);
    }
    return builder;
  }

  /** Lowercase hex of the SHA-256 of the certificate's DER encoding: 64 characters, no colons. */
  public static String sha256Fingerprint(X509Certificate certificate) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("unencodable certificate", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every Java runtime", e);
    }
  }

  /**
   * A fingerprint as typed or pasted (any case, with or without the colons openssl puts between
   * bytes) in the form {@link #sha256Fingerprint} returns.
   */
  public static String normalizeFingerprint(String fingerprint) {
    if (fingerprint == null) {
      throw new IllegalArgumentException("no fingerprint");
    }
    String hex = fingerprint.trim().replace(":", "").toLowerCase(Locale.ROOT);
    if (hex.length() != FINGERPRINT_HEX_CHARS || !hex.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException(
          "a SHA-256 fingerprint is "
              + FINGERPRINT_HEX_CHARS
              + " hex digits, optionally separated by ':'");
    }
    return hex;
  }

  /** The signature algorithm for the key family; Ed25519 has its hash built in. */
  static String signatureAlgorithm(KeyType type) {
    return switch (type) {
      case RSA -> "SHA256withRSA";
      case EC -> "SHA256withECDSA";
      case ED25519 -> "Ed25519";
    };
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, Instant notBefore, Instant notAfter, X500Name subject, PublicKey key) {
    if (!notBefore.isBefore(notAfter)) {
      throw new IllegalArgumentException("notBefore must be before notAfter");
    }
    return new JcaX509v3CertificateBuilder(
        issuer, serial(), Date.from(notBefore), Date.from(notAfter), subject, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
    try {
      var contentSigner =
          new JcaContentSignerBuilder(signatureAlgorithm(KeyType.of(signer.getPrivate())))
              .build(signer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign a certificate with this key", e);
    }
  }

  private static void addExtension(
      X509v3CertificateBuilder builder,
      ASN1ObjectIdentifier oid,
      boolean critical,
      ASN1Encodable value) {
    try {
      builder.addExtension(oid, critical, value);
    } catch (IOException e) {
      // Only raised for a value that cannot be DER-encoded; ours are all built above.
      throw new IllegalStateException("cannot encode extension " + oid, e);
    }
  }

  private static X500Name name(String commonName) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("blank common name");
    }
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  /** Random, positive, 128 bits: unpredictable serials, as the CA/Browser rules ask for. */
  private static BigInteger serial() {
    return new BigInteger(128, RANDOM).setBit(127);
  }

  private static Duration positive(Duration validity) {
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive");
    }
    return validity;
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 is mandatory in every Java runtime", e);
    }
  }
}
