/* err: renders catalogue messages into both languages (see err.h). */
#include "base/err.h"

#include "base/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static const char *const texts[M__COUNT][2] = {
#define MSG(id, en, zh) [id] = {zh, en},
#include "base/messages.def"
#undef MSG
};

const char *tx_msg_text(tx_msg id, tx_lang lang)
{
    return texts[id][lang];
}

void tx_err_clear(tx_err *e)
{
    e->status = 0;
    e->code = NULL;
    e->field[0] = '\0';
    e->msg[0][0] = e->msg[1][0] = '\0';
}

int tx_err_set(tx_err *e, int status, const char *code, const char *field, tx_msg id, ...)
{
    if (e == NULL)
        return -1;
    e->status = status;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    tx_utf8_trim(e->field);
    for (int lang = 0; lang < 2; lang++) {
        va_list ap;
        va_start(ap, id);
        vsnprintf(e->msg[lang], sizeof e->msg[lang], texts[id][lang], ap);
        va_end(ap);
        tx_utf8_trim(e->msg[lang]);
    }
    return -1;
}

int tx_err_set_reason(tx_err *e, int status, const char *code, const char *field, tx_msg id, int a, int b,
                      const char *what, const char *why_zh, const char *why_en)
{
    if (e == NULL)
        return -1;
    e->status = status;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    tx_utf8_trim(e->field);
    const char *why[2] = {why_zh, why_en};
    for (int lang = 0; lang < 2; lang++) {
        const char *w = why[lang] ? why[lang] : "";
        if (id == M_IMPORT_CSV)
            snprintf(e->msg[lang], sizeof e->msg[lang], texts[id][lang], a, b, what, w);
        else if (id == M_IMPORT_FEATURE)
            snprintf(e->msg[lang], sizeof e->msg[lang], texts[id][lang], a, what, w);
        else if (id == M_FIELD_INVALID || id == M_QUERY_INVALID)
            snprintf(e->msg[lang], sizeof e->msg[lang], texts[id][lang], what, w);
        else
            snprintf(e->msg[lang], sizeof e->msg[lang], texts[id][lang], w);
        tx_utf8_trim(e->msg[lang]);
    }
    return -1;
}

static const struct {
    const char *key, *zh, *en;
} nouns[] = {
    {"area", "区域", "area"},         {"organisation", "组织", "organisation"},
    {"person", "人员", "person"},     {"membership", "成员资格", "membership"},
    {"community", "社区", "community"}, {"user", "用户", "user"},
    {"api_key", "API 密钥", "API key"}, {"login", "账号", "login"},
    {"code", "编码", "code"},         {"calendar_day", "日历日期", "calendar day"},
    {"case", "诉求", "case"},         {"category", "类别", "category"},
    {"routing_rule", "分派规则", "routing rule"}, {"photo", "照片", "photo"},
};

int tx_err_named(tx_err *e, int status, const char *code, const char *field, tx_msg id, const char *noun,
                 const char *value)
{
    if (e == NULL)
        return -1;
    const char *zh = noun, *en = noun;
    for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
        if (strcmp(nouns[i].key, noun) == 0) {
            zh = nouns[i].zh;
            en = nouns[i].en;
        }
    e->status = status;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    tx_utf8_trim(e->field);
    snprintf(e->msg[TX_LANG_ZH], sizeof e->msg[0], texts[id][TX_LANG_ZH], zh, value);
    snprintf(e->msg[TX_LANG_EN], sizeof e->msg[1], texts[id][TX_LANG_EN], en, value);
    tx_utf8_trim(e->msg[0]);
    tx_utf8_trim(e->msg[1]);
    return -1;
}

#pragma GCC diagnostic pop
