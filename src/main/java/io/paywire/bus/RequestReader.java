package io.paywire.bus;

import io.paywire.ledger.TransferId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Typed reads of request fields; each failure names the field, as {@link BadRequest}. */
final class RequestReader {
  private final JsonObject body;

  RequestReader(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new BadRequest("body must be a JSON object");
    }
    this.body = json;
  }

  String string(String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String s)) {
      throw new BadRequest(field + " must be a string");
    }
    return s;
  }

  long longValue(String field, long fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new BadRequest(field + " must be an integer");
    }
    return ((Number) value).longValue();
  }

  int intValue(String field, int fallback, int min, int max) {
    return (int) longValue(field, fallback, min, max);
  }

  long longValue(String field, long fallback, long min, long max) {
    long value = longValue(field, fallback);
    if (value < min || value > max) {
      throw new BadRequest(field + " must be " + min + " to " + max);
    }
    return value;
  }

  /** An optional boolean, false when absent. */
  boolean flag(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean b)) {
      throw new BadRequest(field + " must be true or false");
    }
    return b;
  }

  TransferId id(String field) {
    TransferId id = TransferId.parseOrNull(string(field));
    if (id == null) {
      throw new BadRequest(field + " must be 32 hex characters");
    }
    return id;
  }

  /** A JSON array of 0 to {@code max} strings. */
  List<String> strings(String field, int max) {
    Object value = body.getValue(field);
    if (!(value instanceof JsonArray array)) {
      throw new BadRequest(field + " must be an array of strings");
    }
    if (array.size() > max) {
      throw new BadRequest(field + " holds at most " + max + " strings");
    }
    List<String> strings = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s)) {
        throw new BadRequest(field + " must be an array of strings");
      }
      strings.add(s);
    }
    return strings;
  }

  TransferId optionalId(String field) {
    return body.getValue(field) == null ? null : id(field);
  }

  byte[] base64(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return new byte[0];
    }
    if (!(value instanceof String s)) {
      throw new BadRequest(field + " must be a base64 string");
    }
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(field + " is not valid base64");
    }
  }
}
