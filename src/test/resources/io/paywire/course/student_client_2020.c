/*
 * A phase-1 client as a student of the 2020 course writes one from the specification: every
 * message ends in CRLF, REGISTER#<name>#<deposit>, a greeting read right after connecting, one
 * recv() per reply into a 1,024-byte buffer, strcmp() on the replies, Bye on Exit.
 * Usage: student_client_2020 <port>. Exit status 0 and "OK" when every reply was as expected.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1024];

static void fail(const char *step) {
  printf("FAIL at %s: got [%s]\n", step, buf);
  exit(1);
}

static void receive(int fd) {
  memset(buf, 0, sizeof(buf));
  recv(fd, buf, sizeof(buf) - 1, 0);
}

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    perror("connect");
    exit(2);
  }
  receive(fd); /* the server's greeting */
  if (strlen(buf) == 0) fail("the greeting");
  return fd;
}

static void ask(int fd, const char *command) {
  char line[256];
  snprintf(line, sizeof(line), "%s\r\n", command);
  send(fd, line, strlen(line), 0);
  receive(fd);
}

int main(int argc, char **argv) {
  int port = atoi(argv[1]);
  int payer = connect_to(port);
  int payee = connect_to(port);

  ask(payer, "REGISTER#kim#3000");
  if (strcmp(buf, "100 OK\r\n") != 0) fail("register kim");
  ask(payee, "REGISTER#lee#3000");
  if (strcmp(buf, "100 OK\r\n") != 0) fail("register lee");
  ask(payee, "REGISTER#lee#3000");
  if (strcmp(buf, "210 FAIL\r\n") != 0) fail("register lee again");

  ask(payer, "kim#7101");
  if (strcmp(buf, "220 AUTH_FAIL\r\n") == 0) fail("login kim");
  ask(payee, "lee#7102");
  if (strcmp(buf, "10000\r\n2\r\nkim#127.0.0.1#7101\r\nlee#127.0.0.1#7102\r\n") != 0)
    fail("login lee");

  /* kim paid lee peer to peer; lee forwards it to the server. */
  char forward[64];
  snprintf(forward, sizeof(forward), "kim#%d#lee\r\n", 300);
  send(payee, forward, strlen(forward), 0);
  receive(payer);
  if (strcmp(buf, "Transfer OK!\r\n") != 0) fail("transfer ok to the payer");

  ask(payer, "List");
  char *balance = strtok(buf, "\r\n");
  char *count = strtok(NULL, "\r\n");
  if (balance == NULL || atoi(balance) != 9700) fail("kim's balance");
  if (count == NULL || atoi(count) != 2) fail("the count");

  ask(payer, "Exit");
  if (strcmp(buf, "Bye\r\n") != 0) fail("bye");
  close(payer);
  close(payee);
  printf("OK\n");
  return 0;
}
