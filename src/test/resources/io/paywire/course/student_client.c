/*
 * A phase-1 client as a student of the course writes one for the TA's 2021/2024 server: one
 * send() per command, one recv() per reply into a 1,024-byte buffer, strcmp() on the replies,
 * strstr() to find a user in the list. Two connections: the payer's and the payee's.
 * Usage: student_client <port>. Exit status 0 and "OK" when every reply was as expected.
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
  return fd;
}

static void ask(int fd, const char *command) {
  send(fd, command, strlen(command), 0);
  memset(buf, 0, sizeof(buf));
  recv(fd, buf, sizeof(buf) - 1, 0);
}

int main(int argc, char **argv) {
  int port = atoi(argv[1]);
  int payer = connect_to(port);
  int payee = connect_to(port);

  ask(payer, "REGISTER#frank");
  if (strcmp(buf, "100 OK\n") != 0) fail("register frank");
  ask(payee, "REGISTER#grace");
  if (strcmp(buf, "100 OK\n") != 0) fail("register grace");
  ask(payee, "REGISTER#grace");
  if (strcmp(buf, "210 FAIL\n") != 0) fail("register grace again");

  ask(payer, "frank#7001");
  if (strlen(buf) == 14) fail("login frank"); /* the length of "220 AUTH_FAIL\n" */
  if (strstr(buf, "frank#127.0.0.1#7001\n") == NULL) fail("frank in the list");
  ask(payee, "grace#7002");
  if (strcmp(buf, "10000\npublic key\n2\nfrank#127.0.0.1#7001\ngrace#127.0.0.1#7002\n") != 0)
    fail("login grace");

  /* The payer paid grace peer to peer; grace forwards it in her 1,000-byte buffer. */
  char forward[1000];
  memset(forward, 0, sizeof(forward));
  strcpy(forward, "frank#250#grace");
  send(payee, forward, sizeof(forward), 0);
  memset(buf, 0, sizeof(buf));
  recv(payer, buf, sizeof(buf) - 1, 0);
  if (strcmp(buf, "Transfer OK!\n") != 0) fail("transfer ok to the payer");

  ask(payee, "List");
  if (strncmp(buf, "10250\npublic key\n2\n", 19) != 0) fail("grace's balance");
  /* With its NUL, as some clients send it. */
  send(payer, "List", 5, 0);
  memset(buf, 0, sizeof(buf));
  recv(payer, buf, sizeof(buf) - 1, 0);
  char *balance = strtok(buf, "\n");
  char *key = strtok(NULL, "\n");
  char *count = strtok(NULL, "\n");
  if (balance == NULL || atoi(balance) != 9750) fail("frank's balance");
  if (key == NULL || strcmp(key, "public key") != 0) fail("the key line");
  if (count == NULL || atoi(count) != 2) fail("the count");

  ask(payer, "Exit");
  if (strlen(buf) != 0) fail("exit closes without a reply");
  close(payer);
  close(payee);
  printf("OK\n");
  return 0;
}
