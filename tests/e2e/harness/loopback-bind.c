/*
 * LD_PRELOAD shim for the test RocketMQ JVMs: a bind() to the wildcard address (0.0.0.0 or ::) binds loopback
 * instead, and says so on stderr. RocketMQ 5.3.3 hard-codes the wildcard for three listeners that no setting
 * reaches (the proxy's gRPC and remoting servers, the broker's HA acceptor); every other listener is bound to
 * 127.0.0.1 by its own config, and the shim leaves any non-wildcard address alone.
 * Built by tests/e2e/harness/loopback-bind.ts: cc -shared -fPIC -o libloopbackbind.so loopback-bind.c -ldl
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    static bind_fn real_bind;
    if (real_bind == NULL) real_bind = (bind_fn)dlsym(RTLD_NEXT, "bind");
    if (real_bind == NULL) {
        errno = ENOSYS;
        return -1;
    }
    if (addr != NULL && addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in in4;
        memcpy(&in4, addr, sizeof in4);
        if (in4.sin_addr.s_addr == htonl(INADDR_ANY)) {
            in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            fprintf(stderr, "loopback-bind: pid %d: 0.0.0.0:%u -> 127.0.0.1:%u\n", (int)getpid(),
                    ntohs(in4.sin_port), ntohs(in4.sin_port));
            return real_bind(fd, (const struct sockaddr *)&in4, sizeof in4);
        }
    } else if (addr != NULL && addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 in6;
        memcpy(&in6, addr, sizeof in6);
        if (IN6_IS_ADDR_UNSPECIFIED(&in6.sin6_addr)) {
            /* A dual-stack socket (the JVM's default) takes ::ffff:127.0.0.1, so IPv4 clients of 127.0.0.1 still
               reach it; an IPv6-only socket takes ::1. Source: ipv6(7) IPV6_V6ONLY. */
            int v6only = 0;
            socklen_t size = sizeof v6only;
            getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &size);
            if (v6only) {
                in6.sin6_addr = in6addr_loopback;
            } else {
                memset(&in6.sin6_addr, 0, sizeof in6.sin6_addr);
                in6.sin6_addr.s6_addr[10] = 0xff;
                in6.sin6_addr.s6_addr[11] = 0xff;
                in6.sin6_addr.s6_addr[12] = 127;
                in6.sin6_addr.s6_addr[15] = 1;
            }
            fprintf(stderr, "loopback-bind: pid %d: [::]:%u -> [%s]:%u\n", (int)getpid(), ntohs(in6.sin6_port),
                    v6only ? "::1" : "::ffff:127.0.0.1", ntohs(in6.sin6_port));
            return real_bind(fd, (const struct sockaddr *)&in6, sizeof in6);
        }
    }
    return real_bind(fd, addr, len);
}
