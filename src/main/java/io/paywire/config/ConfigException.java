package io.paywire.config;

/** Configuration that cannot be used; the message names the key and what it must be. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
