package io.paywire.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON read the strict way: an object that names a key twice is refused, wherever it comes from (a
 * request body, a live-channel message, a signed token's header or claims). Jackson keeps the last
 * of two equal keys; a signing program may show the user the first, so a body read two ways must
 * never be applied (issue 21, finding 7).
 */
final class StrictJson {

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** How much of a duplicate key a refusal repeats. */
  private static final int MAX_SHOWN_CHARS = 64;

  private StrictJson() {}

  /**
   * The first key some object in {@code json} names twice, or null when there is none. Text that is
   * not JSON has none: whoever reads it next refuses it for what it is.
   */
  static String duplicateKey(byte[] json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      while (parser.nextToken() != null) {
        // Only the scan matters: the parser throws at the second occurrence of a key.
      }
      return null;
    } catch (JsonProcessingException e) {
      // The duplicate is the name the parser just read; any other error is not ours to report.
      String name =
          e.getProcessor() instanceof JsonParser p ? p.getParsingContext().getCurrentName() : null;
      return e.getOriginalMessage().startsWith("Duplicate field") ? name : null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading bytes in memory", e);
    }
  }

  /** The words of the refusal: which key came twice (its first 64 characters). */
  static String reason(String duplicate) {
    String shown =
        duplicate.length() > MAX_SHOWN_CHARS
            ? duplicate.substring(0, MAX_SHOWN_CHARS) + "..."
            : duplicate;
    return "duplicate key \"" + shown + "\" in a JSON object";
  }
}
