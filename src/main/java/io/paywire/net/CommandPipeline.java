package io.paywire.net;

import io.netty.channel.ChannelFuture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * Ordering and backpressure for one connection of a line (or message) protocol, shared by every
 * such listener.
 *
 * <ul>
 *   <li>Up to {@code maxInFlight} commands run at once; replies leave in the order of the commands.
 *       A command that changes the session waits for every command before it, and the commands
 *       after it wait for it; others run concurrently.
 *   <li>Replies that are ready in one event-loop turn leave in one write.
 *   <li>Reading stops while {@code maxInFlight} commands are queued, while the rate bucket is empty
 *       (the client is paced, never refused), and while the socket's write queue is full; no
 *       command starts while that queue is full either. A client that leaves the write queue full
 *       for {@code writeStallMillis} (it sends but does not read) is cut off with {@code
 *       stallLine}.
 * </ul>
 *
 * <p>So a connection holds at most the socket's write queue ({@code maxBufferedReplyBytes}) plus
 * the replies of {@code maxInFlight} commands plus the commands of one read. Used from the
 * connection's event loop only.
 */
public final class CommandPipeline {

  private static final System.Logger LOG = System.getLogger(CommandPipeline.class.getName());

  /** Lines an outsider can cause at will: the first of a kind, then a count per interval. */
  private static final LogRate OUTSIDER_LOG = LogRate.nodeWide(LOG);

  /** A reply's bytes, and whether the connection ends after them. */
  public record Out(Buffer bytes, boolean close) {}

  public record Limits(int maxInFlight, int maxBufferedReplyBytes, long writeStallMillis) {}

  private static final class Slot {
    final boolean changesSession;
    final Supplier<Future<Out>> command;
    boolean started;
    Out result;

    Slot(boolean changesSession, Supplier<Future<Out>> command) {
      this.changesSession = changesSession;
      this.command = command;
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final NetSocket socket;
  private final Limits limits;
  private final TokenBucket rate;
  private final Buffer stallLine;
  private final Buffer failureLine;
  private final String listener;
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private int running;
  private Buffer out;
  private boolean flushScheduled;
  private boolean ending;
  private boolean closed;
  private boolean pumping;
  private boolean pumpAgain;
  private long rateTimer = -1;
  private long stallTimer = -1;
  private boolean paused;
  private boolean endTimerSet;

  /**
   * The socket is paused and resumed directly, so whatever feeds {@link #submit} from its handler
   * must not manage the socket's demand itself (Vert.x's RecordParser resumes its upstream whenever
   * it runs out of records, which would undo every pause; see {@link LineSplitter}).
   *
   * @param stallLine the last words to a client cut off for not reading
   * @param failureLine the last words when a command failed unexpectedly (a bug, not a refusal):
   *     the connection ends rather than answer something made up
   */
  public CommandPipeline(
      Vertx vertx,
      NetSocket socket,
      Limits limits,
      TokenBucket rate,
      Buffer stallLine,
      Buffer failureLine,
      String listener) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.limits = limits;
    this.rate = rate;
    this.stallLine = stallLine;
    this.failureLine = failureLine;
    this.listener = listener;
    socket.setWriteQueueMaxSize(limits.maxBufferedReplyBytes());
    socket.drainHandler(
        v -> {
          cancelStallTimer();
          pump();
        });
  }

  /**
   * Ends the connection's session when the socket closes (after {@link #closed}) and logs its
   * errors, one line each: what every listener of a node does with a connection's end.
   *
   * @param endSession closes the connection's session (its presence goes)
   */
  public void endWithSocket(Supplier<Future<Void>> endSession) {
    socket.closeHandler(
        closed -> {
          closed();
          endSession
              .get()
              .onFailure(
                  e ->
                      LOG.log(
                          Level.WARNING, "event=presence_cleanup_failed error={0}", e.toString()));
        });
    socket.exceptionHandler(
        e ->
            LOG.log(
                Level.DEBUG,
                "event=connection_error listener={0} remote={1} error={2}",
                listener,
                socket.remoteAddress(),
                e.toString()));
  }

  /** The connection closed: nothing more is written; commands in flight finish unseen. */
  public void closed() {
    closed = true;
    slots.clear();
    cancelStallTimer();
    if (rateTimer >= 0) {
      vertx.cancelTimer(rateTimer);
    }
  }

  /** Queues a command in arrival order; it runs when the ordering rules and the rate allow. */
  public void submit(boolean changesSession, Supplier<Future<Out>> command) {
    if (closed || ending) {
      return;
    }
    slots.addLast(new Slot(changesSession, command));
    pump();
  }

  /** Queues a reply that needs no work (an error about the line itself), in order. */
  public void reply(Out reply) {
    submit(false, () -> Future.succeededFuture(reply));
  }

  private void pump() {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        startWhatMayStart();
        writeWhatIsDone();
      } while (pumpAgain);
    } finally {
      pumping = false;
    }
    updateReading();
  }

  private void startWhatMayStart() {
    if (closed || ending || socket.writeQueueFull()) {
      return; // nothing new is computed while its reply could not be written
    }
    boolean earlierUnfinished = false;
    boolean earlierSessionChangeUnfinished = false;
    for (Iterator<Slot> it = slots.iterator(); it.hasNext(); ) {
      Slot slot = it.next();
      boolean unfinished = slot.result == null;
      if (!slot.started) {
        if (earlierSessionChangeUnfinished
            || (slot.changesSession && earlierUnfinished)
            || running >= limits.maxInFlight()
            || !takeToken()) {
          return;
        }
        start(slot);
        unfinished = slot.result == null;
      }
      earlierUnfinished |= unfinished;
      earlierSessionChangeUnfinished |= unfinished && slot.changesSession;
    }
  }

  private boolean takeToken() {
    long now = System.nanoTime();
    if (rate.tryTake(now)) {
      return true;
    }
    if (rateTimer < 0) {
      long waitMillis = Math.max(1, rate.nanosUntilToken(now) / 1_000_000);
      rateTimer =
          vertx.setTimer(
              waitMillis,
              id -> {
                rateTimer = -1;
                pump();
              });
    }
    return false;
  }

  private void start(Slot slot) {
    slot.started = true;
    running++;
    Future<Out> reply;
    try {
      reply = slot.command.get();
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(
        done -> {
          running--;
          if (done.succeeded()) {
            slot.result = done.result();
          } else {
            LOG.log(
                Level.ERROR,
                "event=command_failed listener={0} error={1}",
                listener,
                done.cause().toString());
            slot.result = new Out(failureLine, true);
          }
          if (!pumping) {
            pump();
          } else {
            pumpAgain = true;
          }
        });
  }

  private void writeWhatIsDone() {
    while (!slots.isEmpty() && slots.peekFirst().result != null && !ending) {
      Out done = slots.pollFirst().result;
      if (out == null) {
        out = Buffer.buffer();
      }
      out.appendBuffer(done.bytes());
      if (done.close()) {
        ending = true;
        slots.clear();
      }
      scheduleFlush();
    }
  }

  /** Replies ready in this turn leave together, at its end. */
  private void scheduleFlush() {
    if (flushScheduled) {
      return;
    }
    flushScheduled = true;
    context.runOnContext(
        v -> {
          flushScheduled = false;
          if (closed) {
            return;
          }
          Buffer bytes = out == null ? Buffer.buffer() : out;
          out = null;
          if (ending) {
            socket.end(bytes);
            endWithin(limits.writeStallMillis());
            return;
          }
          if (bytes.length() > 0) {
            socket.write(bytes);
          }
          updateReading();
        });
  }

  private void updateReading() {
    if (closed || ending) {
      return;
    }
    boolean writeFull = socket.writeQueueFull();
    if (writeFull && stallTimer < 0) {
      stallTimer =
          vertx.setTimer(
              limits.writeStallMillis(),
              id -> {
                stallTimer = -1;
                if (!closed && socket.writeQueueFull()) {
                  String kind = "event=connection_cut listener=" + listener + " reason=not_reading";
                  OUTSIDER_LOG.log(Level.WARNING, kind, kind + " remote=" + socket.remoteAddress());
                  ending = true;
                  slots.clear();
                  socket.write(stallLine);
                  closeNow();
                }
              });
    }
    boolean pause = writeFull || rateTimer >= 0 || slots.size() >= limits.maxInFlight();
    if (pause != paused) {
      paused = pause;
      if (pause) {
        socket.pause();
      } else {
        socket.resume();
      }
    }
  }

  /**
   * The last reply is queued and the connection should end once it is written; a client that stops
   * reading would keep it (and its queue) forever, since end() waits for the queue. So reading
   * stops, and after {@code millis} a connection still open is closed at once.
   */
  private void endWithin(long millis) {
    if (endTimerSet) {
      return;
    }
    endTimerSet = true;
    cancelStallTimer();
    socket.pause();
    paused = true;
    vertx.setTimer(
        millis,
        id -> {
          if (!closed) {
            String kind =
                "event=connection_cut listener=" + listener + " reason=not_reading_last_reply";
            OUTSIDER_LOG.log(Level.WARNING, kind, kind + " remote=" + socket.remoteAddress());
            closeNow();
          }
        });
  }

  /**
   * Closes without waiting for queued replies. NetSocket's end() and close() wait for the write
   * queue to drain, which a client that never reads never lets happen, and a close that passes
   * Netty's TLS handler waits (minutes) to flush its close_notify behind that queue. So the close
   * starts at the front of the channel's pipeline, after every handler, and what is queued is
   * discarded.
   */
  private void closeNow() {
    if (socket instanceof NetSocketInternal internal) {
      // Nothing waits on the close: a failed close leaves a socket the idle timeout still ends.
      ChannelFuture unused = internal.channelHandlerContext().pipeline().firstContext().close();
    } else {
      socket.close();
    }
  }

  private void cancelStallTimer() {
    if (stallTimer >= 0) {
      vertx.cancelTimer(stallTimer);
      stallTimer = -1;
    }
  }
}
