/* io: the exchange formats of tongxin — areas as GeoJSON, organisations,
 * people and memberships as CSV — read into the store and written out.
 *
 * Imports run inside one write transaction supplied by the caller (the CLI
 * through store_sync, the API as a write job): they check everything
 * first, and any error leaves the store as it was. Errors name the place:
 * the feature index and property, or the CSV line and column. */
#ifndef TX_IO_IO_H
#define TX_IO_IO_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

/* Children may stick out of their parent, and siblings overlap, by this
 * much before an import is refused: survey data is never exact. */
#define IO_GEO_TOLERANCE_M 1.0

/* Import a FeatureCollection of areas (insert, or replace by code). */
int io_import_areas(store_conn *c, json_t *doc, int *count, tx_err *err);

/* Import CSV text (UTF-8, header row) of organisations, people or
 * memberships; the header must be exactly the export header. */
int io_import_organisations(store_conn *c, const char *text, size_t len, int *count, tx_err *err);
int io_import_people(store_conn *c, const char *text, size_t len, int *count, tx_err *err);
int io_import_memberships(store_conn *c, const char *text, size_t len, int *count, tx_err *err);

/* Import calendar days (date,kind,occasion,weekday: the State Council
 * notice's columns); a day already stored is replaced. */
int io_import_calendar(store_conn *c, const char *text, size_t len, int *count, tx_err *err);

/* Case categories and routing rules: a JSON document {"categories": [...],
 * "rules": [...]} with the API's field names. Categories are inserted or
 * replaced by code; rules are added. */
int io_import_catalogue(store_conn *c, const json_t *doc, int *categories, int *rules, tx_err *err);
/* Check one category object (create: code, names and group required);
 * field names in errors are prefixed with prefix ("" for the API). */
int io_check_category(const json_t *in, int create, const char *prefix, tx_err *err);
/* Check and read one routing rule object (strings borrowed from in). */
int io_parse_rule(const json_t *in, const char *prefix, store_rule_in *r, tx_err *err);

/* Field checks shared by importers and the API. */
int io_valid_code(const char *s);                                 /* 1-64 of [A-Za-z0-9._-] */
int io_valid_text(const char *s, size_t max_chars, int multiline); /* UTF-8, no controls */
int io_valid_date(const char *s, int allow_month);                /* YYYY-MM-DD (or YYYY-MM) */
int io_valid_phone(const char *s);                                /* digits, + - space, 3-20 */

#endif
