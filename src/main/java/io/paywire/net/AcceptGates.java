package io.paywire.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.paywire.session.ClientAddress;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.spi.transport.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * Connection caps that hold from accept, before any TLS work: each listener's port has a {@link
 * ConnectionGate}, and a connection over one of its caps is reset as it is accepted, before Netty
 * makes a channel of it, so a flood of half-open TLS or slow HTTP connections costs no handshake,
 * no buffer and no timer, and never holds a slot another address could use.
 *
 * <p>Vert.x 5 has no public callback before its TLS handshake (its connect handlers run after it),
 * but it lets a Vert.x instance be built on a transport ({@code VertxBuilder.withTransport}, the
 * {@code io.vertx.core.spi.transport.Transport} SPI). This transport is Vert.x's NIO one, except
 * that its server channels accept through the gate of their port. Ports without a gate (the
 * clustered event bus) accept as NIO does. One per node: several nodes in one JVM keep their own
 * gates.
 */
public final class AcceptGates implements Transport {

  private static final System.Logger LOG = System.getLogger(AcceptGates.class.getName());

  /** Refusals are the flood an outsider causes at will: the first, then a count an interval. */
  private static final LogRate OUTSIDER_LOG = LogRate.nodeWide(LOG);

  /** Connections refused in one accept round before the acceptor turns to other work. */
  private static final int MAX_REFUSALS_PER_READ = 64;

  /** Probes for a free port before one is given up as taken by this node's own listeners. */
  private static final int MAX_PORT_PROBES = 16;

  private final Transport nio = io.vertx.core.transport.Transport.NIO.implementation();
  private final ConcurrentHashMap<Integer, Guard> byPort = new ConcurrentHashMap<>();

  /** Ports {@link #freePort} gave this node's listeners: none is given twice. */
  private final Set<Integer> given = ConcurrentHashMap.newKeySet();

  /** Finds a free port on a host (the kernel's choice: a socket bound to port 0, then closed). */
  @FunctionalInterface
  interface PortProbe {
    int probe(String host) throws IOException;
  }

  /** A listener's gate, and its refusals not logged yet. */
  private record Guard(String listener, ConnectionGate gate) {}

  /**
   * {@code configured}, or when it is 0 a free port on {@code host} that no other listener of this
   * node was given or guards. A probe's port is free only until it is bound, and the kernel may
   * hand the same port to the next probe: two listeners resolved before either binds (the text and
   * compatibility ports) could otherwise get one port.
   */
  public int freePort(String host, int configured) throws IOException {
    return freePort(host, configured, h -> TlsServerOptions.resolvePort(h, 0));
  }

  int freePort(String host, int configured, PortProbe probe) throws IOException {
    if (configured != 0) {
      return configured;
    }
    for (int i = 0; i < MAX_PORT_PROBES; i++) {
      int port = probe.probe(host);
      if (!byPort.containsKey(port) && given.add(port)) {
        return port;
      }
    }
    String why = MAX_PORT_PROBES + " probes, each a port another listener of this node has";
    throw new IOException("no free port on " + host + " after " + why);
  }

  /**
   * Caps the listener bound to {@code port} (any host) by {@code gate}; before it binds. Several
   * listeners may share one gate (the text and compatibility listeners do).
   */
  public void guard(String listener, int port, ConnectionGate gate) {
    if (port <= 0) {
      throw new IllegalArgumentException("a gate needs a resolved port, not " + port);
    }
    Guard previous = byPort.putIfAbsent(port, new Guard(listener, gate));
    if (previous != null) {
      throw new IllegalStateException(
          "port " + port + " is already gated for " + previous.listener());
    }
  }

  /** This transport, for {@code Vertx.builder().withTransport(...)}. */
  public io.vertx.core.transport.Transport transport() {
    AcceptGates self = this;
    return new io.vertx.core.transport.Transport() {
      @Override
      public String name() {
        return "nio-gated";
      }

      @Override
      public boolean available() {
        return true;
      }

      @Override
      public Throwable unavailabilityCause() {
        return null;
      }

      @Override
      public Transport implementation() {
        return self;
      }
    };
  }

  @Override
  public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
    return domainSocket ? nio.serverChannelFactory(true) : GatedServerChannel::new;
  }

  /** A NIO server channel that asks its port's gate before it makes a channel of a socket. */
  private final class GatedServerChannel extends NioServerSocketChannel {

    /** The gate of this channel's port, once bound (null: ungated). */
    private Guard guard;

    private boolean looked;

    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
      Guard g = guard();
      if (g == null) {
        return super.doReadMessages(buf);
      }
      for (int refused = 0; refused < MAX_REFUSALS_PER_READ; refused++) {
        SocketChannel accepted = javaChannel().accept();
        if (accepted == null) {
          return 0;
        }
        String key = key(accepted);
        if (key == null) {
          reset(accepted); // gone already: nothing to count
          continue;
        }
        ConnectionGate.Admission admission = g.gate().tryEnter(key);
        if (admission == ConnectionGate.Admission.ADMITTED) {
          NioSocketChannel child;
          try {
            child = new NioSocketChannel(this, accepted);
          } catch (RuntimeException e) {
            g.gate().leave(key);
            reset(accepted);
            throw e;
          }
          child.closeFuture().addListener(closed -> g.gate().leave(key));
          buf.add(child);
          return 1;
        }
        reset(accepted);
        refused(g, admission);
      }
      return 0;
    }

    private Guard guard() {
      if (!looked) {
        looked = true;
        SocketAddress local = localAddress();
        guard = local instanceof InetSocketAddress inet ? byPort.get(inet.getPort()) : null;
      }
      return guard;
    }
  }

  /** The per-address key of an accepted socket, or null if it is gone already. */
  private static String key(SocketChannel accepted) {
    try {
      return accepted.getRemoteAddress() instanceof InetSocketAddress remote
          ? ClientAddress.key(remote.getAddress().getHostAddress())
          : null;
    } catch (IOException gone) {
      return null;
    }
  }

  /** Closes with a reset: no handshake, no lingering state on either side. */
  private static void reset(SocketChannel socket) {
    try {
      socket.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | UnsupportedOperationException ignored) {
      // closed all the same below
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing more to do for a connection we refuse
    }
  }

  /** One log line per listener, reason and interval, however many a flood brings (LogRate). */
  private static void refused(Guard g, ConnectionGate.Admission admission) {
    String kind =
        "event=connections_refused listener="
            + g.listener()
            + " reason="
            + (admission == ConnectionGate.Admission.NODE_FULL
                ? "max_connections"
                : "max_connections_per_address");
    OUTSIDER_LOG.log(Level.WARNING, kind, kind);
  }

  // ---- everything else as Vert.x's NIO transport ------------------------------------------------

  @Override
  public boolean supportsDomainSockets() {
    return nio.supportsDomainSockets();
  }

  @Override
  public boolean supportFileRegion() {
    return nio.supportFileRegion();
  }

  @Override
  public boolean isAvailable() {
    return nio.isAvailable();
  }

  @Override
  public Throwable unavailabilityCause() {
    return nio.unavailabilityCause();
  }

  @Override
  public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
    return nio.convert(address);
  }

  @Override
  public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
    return nio.convert(address);
  }

  @Override
  public IoHandlerFactory ioHandlerFactory() {
    return nio.ioHandlerFactory();
  }

  @Override
  public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory factory, int ioRatio) {
    return nio.eventLoopGroup(type, threads, factory, ioRatio);
  }

  @Override
  public DatagramChannel datagramChannel() {
    return nio.datagramChannel();
  }

  @Override
  public DatagramChannel datagramChannel(InternetProtocolFamily family) {
    return nio.datagramChannel(family);
  }

  @Override
  public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
    return nio.channelFactory(domainSocket);
  }

  @Override
  public void configure(DatagramChannel channel, DatagramSocketOptions options) {
    nio.configure(channel, options);
  }

  @Override
  public void configure(
      ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
    nio.configure(options, connectTimeout, domainSocket, bootstrap);
  }

  @Override
  public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
    nio.configure(options, domainSocket, bootstrap);
  }
}
