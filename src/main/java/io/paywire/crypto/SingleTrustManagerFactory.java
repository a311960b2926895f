package io.paywire.crypto;

import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

/**
 * A TrustManagerFactory that always yields one given trust manager. TLS engines (the JDK's and
 * BoringSSL through Netty) take trust as a factory; Vert.x's own wrapper for a single trust manager
 * needs SLF4J on the class path, which Paywire does not carry.
 */
public final class SingleTrustManagerFactory extends TrustManagerFactory {

  private static final Provider PROVIDER =
      new Provider("PaywireTrust", "1.0", "a single, given trust manager") {};

  public SingleTrustManagerFactory(TrustManager trustManager) {
    super(
        new TrustManagerFactorySpi() {
          @Override
          protected void engineInit(KeyStore keyStore) {}

          @Override
          protected void engineInit(ManagerFactoryParameters parameters) {}

          @Override
          protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {trustManager};
          }
        },
        PROVIDER,
        "PaywireSingle");
  }
}
