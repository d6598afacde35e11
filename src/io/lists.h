/* io/lists: the three lists as a JSON document (docs/FORMATS.md, "The three
 * lists") — {"plans", "needs", "resources", "projects", "claims",
 * "demonstration_sites"} with the API's field names — and the field checks
 * the API shares with it. data/demo-lists.json is one. */
#ifndef TX_IO_LISTS_H
#define TX_IO_LISTS_H

#include <jansson.h>

#include "store/lists.h"

/* Check one item of list k (create: the required fields must be there;
 * import: any status may be given, and the import's reference fields are
 * allowed). Field names in errors are prefix + name ("needs[2].kind", or
 * "kind" with prefix ""). On success *norm (when not NULL) gets the item as
 * the store takes it (weekdays as a bit mask, reference fields removed).
 * Unknown fields are 400 unknown_field. */
int io_list_check(store_list_kind k, const json_t *in, int create, int import, const char *prefix, json_t **norm,
                  tx_err *err);

/* A milestone {title, due_date, done_date, weight, progress (0–100)}; an
 * outcome {date, summary, people_served, photos}. */
int io_milestone_check(const json_t *in, int create, const char *prefix, tx_err *err);
int io_outcome_check(const json_t *in, const char *prefix, tx_err *err);

typedef struct {
    int plans, needs, resources, projects, claims, sites;
} io_lists_count;

/* Import a lists document, all or nothing. Items with a code that exists
 * are updated (their milestones, commitments, outcomes and claims are
 * kept as they are); others are added with what they carry. */
int io_import_lists(store_conn *c, const json_t *doc, int64_t now, io_lists_count *n, tx_err *err);

#endif
