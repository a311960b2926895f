package io.paywire.session;

/** The answer of a session command other than a payment: a value, or a refusal. */
public sealed interface Result<T> {

  record Ok<T>(T value) implements Result<T> {}

  record Refused<T>(Refusal refusal) implements Result<T> {}

  static <T> Result<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> Result<T> refused(String code, String reason) {
    return new Refused<>(Refusal.of(code, reason));
  }
}
