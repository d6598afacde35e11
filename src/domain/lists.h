/* lists: the three lists the big party committee keeps together (共建需求、
 * 项目和资源清单) — needs, resources and projects — as rules: their
 * vocabularies, which status changes are allowed, how a project's progress
 * rolls up from its milestones and sub-projects (as Decidim's accountability
 * does), and matching: for a need, which offered resources fit best, each
 * suggestion with its reasons in words.
 *
 * Pure: no I/O, no clock (the caller passes today), no globals beyond const
 * tables. The matching index is the one thing that allocates (built once,
 * freed by tx_match_index_free). Functions return 0 or -1 and leave their
 * outputs untouched on failure, except the tx_list_refusal they fill, which
 * carries the HTTP status, a stable code and the reason in zh-CN and en.
 *
 * Dates are day numbers: local days since 1970-01-01, as in calendar.h.
 * Languages: 0 zh-CN, 1 en. */
#ifndef TX_DOMAIN_LISTS_H
#define TX_DOMAIN_LISTS_H

#include <stddef.h>
#include <stdint.h>

/* ---- vocabularies ----
 * Each has _code (stable code for the API and the store), _name (by lang)
 * and _parse (0 and *out set, or -1 for an unknown code). Codes and names
 * are static storage; NULL for an invalid value. */

/* What a need asks for, and what a resource offers: one vocabulary, so that
 * "same kind" is a plain comparison. */
typedef enum {
    TX_KIND_VENUE,      /* "venue": 场地 */
    TX_KIND_FUNDING,    /* "funding": 资金 */
    TX_KIND_VOLUNTEERS, /* "volunteers": 志愿者 */
    TX_KIND_EXPERTISE,  /* "expertise": 专业技能 */
    TX_KIND_EQUIPMENT,  /* "equipment": 物资设备 */
    TX_KIND_SERVICE,    /* "service": 服务 */
    TX_KIND_OTHER,      /* "other": 其他 */
    TX_KIND__COUNT
} tx_list_kind;
const char *tx_list_kind_code(tx_list_kind k);
const char *tx_list_kind_name(tx_list_kind k, int lang);
int tx_list_kind_parse(const char *code, tx_list_kind *out);

/* A need's life: open → matched (a unit claimed it, 认领) → in_project (the
 * community confirmed, the resources are committed) → met; or closed with a
 * reason. See tx_need_transition for every allowed step. */
typedef enum {
    TX_NEED_OPEN,       /* "open" */
    TX_NEED_MATCHED,    /* "matched" */
    TX_NEED_IN_PROJECT, /* "in_project" */
    TX_NEED_MET,        /* "met" (final) */
    TX_NEED_CLOSED,     /* "closed" (final; with a reason) */
    TX_NEED__STATUS_COUNT
} tx_need_status;
const char *tx_need_status_code(tx_need_status s);
const char *tx_need_status_name(tx_need_status s, int lang);
int tx_need_status_parse(const char *code, tx_need_status *out);

/* A resource: available (capacity left) → committed (all of it promised to
 * projects) → used_up (delivered in full); withdrawn by the unit. */
typedef enum {
    TX_RESOURCE_AVAILABLE, /* "available" */
    TX_RESOURCE_COMMITTED, /* "committed" */
    TX_RESOURCE_USED_UP,   /* "used_up" (final) */
    TX_RESOURCE_WITHDRAWN, /* "withdrawn" */
    TX_RESOURCE__STATUS_COUNT
} tx_resource_status;
const char *tx_resource_status_code(tx_resource_status s);
const char *tx_resource_status_name(tx_resource_status s, int lang);
int tx_resource_status_parse(const char *code, tx_resource_status *out);

typedef enum {
    TX_PROJECT_PLANNED,   /* "planned" */
    TX_PROJECT_ACTIVE,    /* "active" */
    TX_PROJECT_DONE,      /* "done" (final) */
    TX_PROJECT_CANCELLED, /* "cancelled" (final) */
    TX_PROJECT__STATUS_COUNT
} tx_project_status;
const char *tx_project_status_code(tx_project_status s);
const char *tx_project_status_name(tx_project_status s, int lang);
int tx_project_status_parse(const char *code, tx_project_status *out);

typedef enum {
    TX_URGENCY_LOW,    /* "low" */
    TX_URGENCY_NORMAL, /* "normal" */
    TX_URGENCY_HIGH,   /* "high" */
    TX_URGENCY_URGENT, /* "urgent" */
    TX_URGENCY__COUNT
} tx_urgency;
const char *tx_urgency_code(tx_urgency u);
const char *tx_urgency_name(tx_urgency u, int lang);
int tx_urgency_parse(const char *code, tx_urgency *out);

/* ---- refusals ---- */

typedef struct {
    /* 0 when allowed; else 400 (bad input: unknown value, negative quantity,
     * missing reason) or 409 (not in this status, over capacity, a cycle). */
    int status;
    /* Stable code: "need_status", "resource_status", "project_status",
     * "reason_required", "quantity", "over_capacity", "progress", "weight",
     * "parent", "project_cycle"; NULL when allowed. */
    const char *code;
    char reason[2][256]; /* [0] zh-CN, [1] en; "" when allowed */
} tx_list_refusal;

/* ---- status transitions ----
 * Each returns 0 when from → to is allowed, else -1. why may be NULL; when
 * given it is filled completely either way (status 0, code NULL, reasons ""
 * when allowed). An unknown status is 400, a forbidden step 409, the same
 * status twice (from == to) 409 too: nothing would change.
 *
 * Needs:      open → matched, in_project, closed
 *             matched → open (the claim was declined or withdrawn), in_project, closed
 *             in_project → open (its project was cancelled), met, closed
 *             met, closed: final
 *             Closing needs a reason (has_reason; else 400 "reason_required");
 *             has_reason is ignored for other steps. */
int tx_need_transition(tx_need_status from, tx_need_status to, int has_reason, tx_list_refusal *why);

/* Resources:  available → committed, withdrawn, used_up
 *             committed → available (a commitment released), used_up
 *             withdrawn → available (offered again)
 *             used_up: final
 *             A committed resource cannot be withdrawn: projects count on it;
 *             its commitments are released first. */
int tx_resource_transition(tx_resource_status from, tx_resource_status to, tx_list_refusal *why);

/* Projects:   planned → active, cancelled
 *             active → done, cancelled
 *             done, cancelled: final */
int tx_project_transition(tx_project_status from, tx_project_status to, tx_list_refusal *why);

/* ---- quantities ---- */

/* A quantity given by a user: finite and >= 0 (0 means "not stated" for a
 * need). Else -1 and 400 "quantity". */
int tx_list_check_quantity(double q, tx_list_refusal *why);

/* May qty more of a resource be committed? The resource must be available
 * (409 "resource_status"), qty > 0 and finite (400 "quantity"), and
 * committed + qty <= capacity (409 "over_capacity", the reason says how much
 * is left). 0 when it may. */
int tx_resource_check_commit(tx_resource_status status, double capacity, double committed, double qty,
                             tx_list_refusal *why);

/* The status a resource that is available or committed should have after its
 * commitments change: committed when nothing is left (committed >= capacity),
 * else available. */
tx_resource_status tx_resource_status_for(double capacity, double committed);

/* ---- progress (Decidim accountability's roll-up) ----
 * Progress is a percentage, 0–100. */

/* A milestone of a project, or a project within a plan. */
typedef struct {
    double weight;   /* >= 0; when every weight in the set is 0, all count alike */
    double progress; /* 0–100 */
    int done;        /* non-zero: counts as 100 whatever progress says */
} tx_project_part;

/* A project's progress from its parts (milestones): the weighted average
 * when any weight is > 0 (parts of weight 0 then count for nothing), the
 * plain average when all weights are 0. An empty set is 0. Returns 0 and
 * sets *out, or -1 (400 "weight" / "progress") for a negative or non-finite
 * weight or a progress outside 0–100. */
int tx_project_progress(const tx_project_part *parts, int n, double *out, tx_list_refusal *why);

/* A plan's progress (一社区一方案) from its projects' progress: the same rule.
 * The caller leaves cancelled projects out. */
int tx_project_plan_progress(const tx_project_part *projects, int n, double *out, tx_list_refusal *why);

/* Projects nested in sub-projects, as an array with parent indices.
 * Nesting deeper than this is refused as a data error (Decidim itself nests
 * results two levels deep). */
#define TX_PROJECT_MAX_DEPTH 16

typedef struct {
    int parent;      /* index of the parent in the array, -1 for a top-level project */
    double weight;   /* its weight among its parent's children, as tx_project_part */
    double progress; /* its own progress (from its milestones): used when it has no children */
    int done;        /* as tx_project_part; a done parent is 100 whatever its children say */
} tx_project_node;

/* Every node's progress into out[0..n): a node without children has its own
 * progress; a node with children the weighted (or plain) average of its
 * children's, recursively, as Decidim's results roll up to their parents.
 * Returns 0, or -1 with out untouched: 400 "parent" for a parent index out
 * of range or a project more than TX_PROJECT_MAX_DEPTH levels below the top,
 * 409 "project_cycle" when following parents loops (a project that is its
 * own ancestor), 400 "weight" / "progress" as above. O(n²): meant for one
 * community's or one street's projects (hundreds). */
int tx_project_rollup(const tx_project_node *nodes, int n, double *out, tx_list_refusal *why);

/* ---- matching: suggest resources for a need ---- */

typedef struct {
    int32_t from, to; /* day numbers, inclusive */
} tx_day_range;

#define TX_MATCH_MAX_WINDOWS 4
#define TX_MATCH_MAX_REASONS 6

typedef struct {
    int64_t id;
    tx_list_kind kind;
    double quantity;  /* wanted, >= 0; 0 = not stated (any quantity fits) */
    const char *unit; /* borrowed; NULL or "" = none ("人", "元", "平方米" …) */
    int64_t area_id;  /* the community (or compound, grid) that needs it */
    double lat, lon;  /* that area's point or centroid, WGS 84 degrees */
    int32_t wanted_by; /* day number; 0 = no date */
    tx_urgency urgency;
} tx_match_need;

typedef struct {
    int64_t id;
    tx_list_kind kind;
    tx_resource_status status; /* only available ones are suggested */
    double available;          /* capacity − committed; <= 0 is never suggested */
    const char *unit;          /* borrowed; as the need's */
    int64_t org_id;            /* the member unit offering it; 0 = the community itself */
    int64_t area_id;
    double lat, lon;           /* its area's centroid */
    /* When it can be had: any day in one of the windows (none = any day from
     * today on) that is also one of the weekdays (bit 0 Monday … bit 6
     * Sunday; 0 = every day). */
    tx_day_range windows[TX_MATCH_MAX_WINDOWS];
    int n_windows;
    uint8_t weekdays;
    /* The unit's track record: offers it made, and how many it delivered. */
    int32_t offered, delivered;
} tx_match_resource;

/* Why a resource is suggested. The numbers are kept, the words made on
 * demand by tx_match_reason_text (ranking 10,000 needs formats nothing). */
typedef enum {
    TX_MATCH_SAME_KIND,    /* kind */
    TX_MATCH_ENOUGH,       /* a = available, b = wanted, unit */
    TX_MATCH_PARTIAL,      /* a = available, b = wanted, unit */
    TX_MATCH_UNIT_DIFFERS, /* quantities in different units: not compared */
    TX_MATCH_IN_TIME,      /* day = first day available, on or before the wanted date */
    TX_MATCH_LATE,         /* day = first day available, a = days after the wanted date */
    TX_MATCH_DISTANCE,     /* a = km between the areas' centroids */
    TX_MATCH_SAME_AREA,    /* the same area */
    TX_MATCH_TRACK_RECORD, /* a = delivered, b = offered */
    TX_MATCH_NEW_UNIT,     /* no offers yet: no track record */
    TX_MATCH__WHY_COUNT
} tx_match_why;
/* "same_kind", "enough", "partial", "unit_differs", "in_time", "late",
 * "distance", "same_area", "track_record", "new_unit"; short names by lang. */
const char *tx_match_why_code(tx_match_why w);
const char *tx_match_why_name(tx_match_why w, int lang);
int tx_match_why_parse(const char *code, tx_match_why *out);

typedef struct {
    tx_match_why why;
    double a, b;
    int32_t day;
    tx_list_kind kind;
    const char *unit; /* borrowed from the need or the resource */
} tx_match_reason;

/* The reason in words into buf (always terminated when size > 0), e.g.
 * "数量足够：可提供 200 人，需要 150 人" / "enough: 200 人 offered, 150 人 wanted",
 * "履约记录：承诺 12 次，兑现 11 次" / "track record: 11 of 12 delivered".
 * Returns buf. */
char *tx_match_reason_text(const tx_match_reason *r, int lang, char *buf, size_t size);

typedef struct {
    int index;          /* into the resources array */
    int64_t resource_id;
    double score;       /* 0–100, higher is better */
    double km;          /* distance between the two areas' centroids */
    double quantity;    /* how much of the need it covers: min(available, wanted) (available when not stated) */
    int32_t available_from; /* first day it can be had on or after today */
    int n_reasons;
    tx_match_reason reasons[TX_MATCH_MAX_REASONS];
} tx_match_suggestion;

/* An index over all resources, built once and shared read-only by any
 * number of threads: by kind, then by place (a grid of cells per kind), so
 * that a need looks at the resources of its kind nearest first and stops as
 * soon as no farther one could enter its top k. Opaque. */
typedef struct tx_match_index tx_match_index;

/* Build the index over all[0..n) (borrowed: must stay alive and unchanged
 * while the index is used). Resources not available, with nothing left or
 * an unknown kind are left out. Returns 0 and sets *out, or -1 (n < 0,
 * all NULL with n > 0, a latitude/longitude out of range or not finite, or
 * out of memory). */
int tx_match_index_build(const tx_match_resource *all, int n, tx_match_index **out);
void tx_match_index_free(tx_match_index *ix);

/* Rank the resources for a need and write the best k (at most) into
 * out[0..k), best first; returns how many were written (0 … k), or -1 for
 * bad input (need NULL, k < 0, a need kind or coordinates out of range, an
 * index built over another array). ix may be NULL: then all[] is scanned
 * in full (the same answer, slower).
 *
 * Suggested: resources of the need's kind, available, with something left,
 * that can be had on some day from today on. Each has a score of up to 100:
 *   quantity     30  enough; partial in proportion; 0 when units differ
 *   time         25  available by the wanted date; less for each day later,
 *                    down to 0 at 30 / 14 / 7 / 3 days late (by urgency)
 *   distance     25  25 / (1 + km / 3): 12.5 at 3 km
 *   track record 20  20 × (delivered + 1) / (offered + 2): 10 for a new unit
 * Ties go to the nearer resource, then to the smaller id, so the order is
 * total and the same with or without the index. Reasons, in this order:
 * same kind; enough / partial / unit differs (when the need states a
 * quantity); in time / late; same area or distance; track record / new unit. */
int tx_match_rank(const tx_match_need *need, const tx_match_resource *all, int n, const tx_match_index *ix,
                  int32_t today, tx_match_suggestion *out, int k);

#endif
