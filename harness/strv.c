#include "strv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(struct rl_strv *sv, char *s)
{
    if (sv->n + 2 > sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 16;
        char **v = realloc(sv->v, cap * sizeof *v);
        if (!v) {
            free(s);
            return -1;
        }
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
    return 0;
}

int rl_strv_addf(struct rl_strv *sv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    return push(sv, s);
}

char *rl_strv_join(const struct rl_strv *sv, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < sv->n; i++)
        len += strlen(sv->v[i]) + strlen(sep);
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < sv->n; i++) {
        if (!sv->v[i][0])
            continue;
        if (out[0])
            strcat(out, sep);
        strcat(out, sv->v[i]);
    }
    return out;
}

/* Appends word to out (of room enough: 4 bytes a byte, and 3), quoted if the shell needs it. */
static char *shell_word(char *out, const char *word)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                "_./:=@%+,-";
    if (word[0] && word[strspn(word, plain)] == '\0')
        return stpcpy(out, word);
    *out++ = '\'';
    for (const char *c = word; *c; c++)
        out = *c == '\'' ? stpcpy(out, "'\\''") : (*out = *c, out + 1);
    *out++ = '\'';
    *out = '\0';
    return out;
}

char *rl_shell_line(char *const *assignments, char *const *argv)
{
    size_t len = 1;
    for (int pass = 0; pass < 2; pass++)
        for (char *const *w = pass ? argv : assignments; w && *w; w++)
            len += 4 * strlen(*w) + 4;
    char *line = malloc(len), *end = line;
    if (!line)
        return NULL;
    *end = '\0';
    for (char *const *a = assignments; a && *a; a++) {
        size_t name = strcspn(*a, "=");
        if (end != line)
            *end++ = ' ';
        memcpy(end, *a, name);
        end += name;
        *end++ = '=';
        *end = '\0';
        if ((*a)[name] && (*a)[name + 1])
            end = shell_word(end, *a + name + 1);
    }
    for (char *const *w = argv; w && *w; w++) {
        if (end != line)
            *end++ = ' ';
        end = shell_word(end, *w);
    }
    return line;
}

int rl_strv_add_words(struct rl_strv *sv, const char *text)
{
    for (const char *p = text + strspn(text, " \t"); *p; p += strspn(p, " \t")) {
        size_t len = strcspn(p, " \t");
        if (rl_strv_addf(sv, "%.*s", (int)len, p) < 0)
            return -1;
        p += len;
    }
    return 0;
}

static long find(const struct rl_strv *sv, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < sv->n; i++)
        if (strncmp(sv->v[i], name, len) == 0 && sv->v[i][len] == '=')
            return (long)i;
    return -1;
}

int rl_strv_setenv(struct rl_strv *sv, const char *name, const char *value)
{
    char *s = NULL;
    if (asprintf(&s, "%s=%s", name, value) < 0)
        return -1;
    long i = find(sv, name);
    if (i >= 0) {
        free(sv->v[i]);
        sv->v[i] = s;
        return 0;
    }
    return push(sv, s);
}

const char *rl_strv_getenv(const struct rl_strv *sv, const char *name)
{
    long i = find(sv, name);
    return i < 0 ? NULL : sv->v[i] + strlen(name) + 1;
}

void rl_strv_free(struct rl_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

int rl_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) {
        if (size)
            buf[0] = '\0';
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

void rl_errors_vadd(struct rl_errors *e, int line, const char *fmt, va_list ap)
{
    char msg[768];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t used = strlen(e->buf), room = e->size - used;
    /* The first is always told, cut if need be; room is kept for the count ("\n(and 99999
     * more errors)"). */
    int w = snprintf(e->buf + used, room > 64 ? room - 32 : room, "%s%s:%d: %s", used ? "\n" : "",
                     e->path, line, msg);
    if (e->told > 0 && (w < 0 || (size_t)w + 32 >= room)) {
        e->buf[used] = '\0';
        e->dropped++;
    } else {
        e->told++;
    }
}

void rl_errors_add(struct rl_errors *e, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rl_errors_vadd(e, line, fmt, ap);
    va_end(ap);
}

int rl_errors_end(struct rl_errors *e)
{
    if (e->dropped) {
        size_t used = strlen(e->buf);
        snprintf(e->buf + used, e->size - used, "\n(and %d more errors)", e->dropped);
    }
    return e->told + e->dropped;
}

struct rl_line rl_line_at(char *buf, size_t size)
{
    buf[0] = '\0';
    return (struct rl_line){.buf = buf, .size = size, .len = 0};
}

void rl_line_putn(struct rl_line *l, const char *s, size_t n)
{
    size_t room = l->size - 1 - l->len;
    if (n > room)
        n = room;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    l->buf[l->len] = '\0';
}

void rl_line_put(struct rl_line *l, const char *s)
{
    rl_line_putn(l, s, strlen(s));
}

void rl_line_put_int(struct rl_line *l, long v)
{
    char digits[24];
    size_t i = sizeof digits;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do
        digits[--i] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        digits[--i] = '-';
    rl_line_putn(l, digits + i, sizeof digits - i);
}
