/* lists: the rules of the three lists (see lists.h) — vocabularies, the
 * status changes each list allows, quantities, and the progress roll-up.
 * Matching lives in matching.c. */
#include "domain/lists.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domain/terms.h"

/* ---- vocabulary ---- */

static const tx_term kinds[TX_KIND__COUNT] = {
    [TX_KIND_VENUE] = {"venue", {"场地", "venue"}},
    [TX_KIND_FUNDING] = {"funding", {"资金", "funding"}},
    [TX_KIND_VOLUNTEERS] = {"volunteers", {"志愿者", "volunteers"}},
    [TX_KIND_EXPERTISE] = {"expertise", {"专业技能", "expertise"}},
    [TX_KIND_EQUIPMENT] = {"equipment", {"物资设备", "equipment"}},
    [TX_KIND_SERVICE] = {"service", {"服务", "service"}},
    [TX_KIND_OTHER] = {"other", {"其他", "other"}},
};

static const tx_term need_statuses[TX_NEED__STATUS_COUNT] = {
    [TX_NEED_OPEN] = {"open", {"待认领", "open"}},
    [TX_NEED_MATCHED] = {"matched", {"已认领", "matched"}},
    [TX_NEED_IN_PROJECT] = {"in_project", {"项目实施中", "in a project"}},
    [TX_NEED_MET] = {"met", {"已满足", "met"}},
    [TX_NEED_CLOSED] = {"closed", {"已关闭", "closed"}},
};

static const tx_term resource_statuses[TX_RESOURCE__STATUS_COUNT] = {
    [TX_RESOURCE_AVAILABLE] = {"available", {"可提供", "available"}},
    [TX_RESOURCE_COMMITTED] = {"committed", {"已承诺", "committed"}},
    [TX_RESOURCE_USED_UP] = {"used_up", {"已用完", "used up"}},
    [TX_RESOURCE_WITHDRAWN] = {"withdrawn", {"已撤回", "withdrawn"}},
};

static const tx_term project_statuses[TX_PROJECT__STATUS_COUNT] = {
    [TX_PROJECT_PLANNED] = {"planned", {"计划中", "planned"}},
    [TX_PROJECT_ACTIVE] = {"active", {"实施中", "active"}},
    [TX_PROJECT_DONE] = {"done", {"已完成", "done"}},
    [TX_PROJECT_CANCELLED] = {"cancelled", {"已取消", "cancelled"}},
};

static const tx_term urgencies[TX_URGENCY__COUNT] = {
    [TX_URGENCY_LOW] = {"low", {"低", "low"}},
    [TX_URGENCY_NORMAL] = {"normal", {"一般", "normal"}},
    [TX_URGENCY_HIGH] = {"high", {"较急", "high"}},
    [TX_URGENCY_URGENT] = {"urgent", {"紧急", "urgent"}},
};

TX_TERMS(tx_list_kind, tx_list_kind, kinds, TX_KIND__COUNT)
TX_TERMS(tx_need_status, tx_need_status, need_statuses, TX_NEED__STATUS_COUNT)
TX_TERMS(tx_resource_status, tx_resource_status, resource_statuses, TX_RESOURCE__STATUS_COUNT)
TX_TERMS(tx_project_status, tx_project_status, project_statuses, TX_PROJECT__STATUS_COUNT)
TX_TERMS(tx_urgency, tx_urgency, urgencies, TX_URGENCY__COUNT)

/* ---- refusals ---- */

static void allow(tx_list_refusal *why)
{
    if (why) {
        why->status = 0;
        why->code = NULL;
        why->reason[0][0] = why->reason[1][0] = '\0';
    }
}

/* A refusal: status, code and the zh-CN reason here, the en reason by
 * refuse_en right after. Returns -1 for the caller to return. */
__attribute__((format(printf, 4, 5))) static int refuse_zh(tx_list_refusal *why, int status, const char *code,
                                                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->reason[0], sizeof why->reason[0], fmt, ap);
    va_end(ap);
    why->status = status;
    why->code = code;
    return -1;
}

__attribute__((format(printf, 2, 3))) static void refuse_en(tx_list_refusal *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->reason[1], sizeof why->reason[1], fmt, ap);
    va_end(ap);
}

/* ---- status transitions ----
 * One table per list: ok[from] is the set of statuses it may go to. Read the
 * tables as the product's rules. */

#define B(x) (1u << (x))

/* A need goes forward as it is claimed (认领), taken into a project and met;
 * it goes back to open when the claim is declined or withdrawn, or when the
 * project it was in is cancelled, so that it is on the list again instead of
 * being lost. A community may also take an open need straight into a project
 * it runs itself. Any need not yet met may be closed, with a reason
 * (duplicate, no longer needed, out of scope). */
static const unsigned need_ok[TX_NEED__STATUS_COUNT] = {
    [TX_NEED_OPEN] = B(TX_NEED_MATCHED) | B(TX_NEED_IN_PROJECT) | B(TX_NEED_CLOSED),
    [TX_NEED_MATCHED] = B(TX_NEED_OPEN) | B(TX_NEED_IN_PROJECT) | B(TX_NEED_CLOSED),
    [TX_NEED_IN_PROJECT] = B(TX_NEED_OPEN) | B(TX_NEED_MET) | B(TX_NEED_CLOSED),
    [TX_NEED_MET] = 0,
    [TX_NEED_CLOSED] = 0,
};

/* A resource is committed when all of it is promised, and available again
 * when a commitment is released. A unit may withdraw what nobody counts on
 * yet, and offer it again later; a committed resource must first be
 * released, or a project would lose what it was promised without a word. */
static const unsigned resource_ok[TX_RESOURCE__STATUS_COUNT] = {
    [TX_RESOURCE_AVAILABLE] = B(TX_RESOURCE_COMMITTED) | B(TX_RESOURCE_USED_UP) | B(TX_RESOURCE_WITHDRAWN),
    [TX_RESOURCE_COMMITTED] = B(TX_RESOURCE_AVAILABLE) | B(TX_RESOURCE_USED_UP),
    [TX_RESOURCE_USED_UP] = 0,
    [TX_RESOURCE_WITHDRAWN] = B(TX_RESOURCE_AVAILABLE),
};

/* Decidim's results end done or cancelled; a project that is to start again
 * is a new project (copied as a template if need be), so the record of what
 * happened stays as it was. */
static const unsigned project_ok[TX_PROJECT__STATUS_COUNT] = {
    [TX_PROJECT_PLANNED] = B(TX_PROJECT_ACTIVE) | B(TX_PROJECT_CANCELLED),
    [TX_PROJECT_ACTIVE] = B(TX_PROJECT_DONE) | B(TX_PROJECT_CANCELLED),
    [TX_PROJECT_DONE] = 0,
    [TX_PROJECT_CANCELLED] = 0,
};

/* Check from → to against table ok over count statuses named by t. what is
 * the list's name in both languages ("需求" / "need"). */
static int transition(const unsigned *ok, const tx_term *t, int count, int from, int to, const char *code,
                      const char *what_zh, const char *what_en, tx_list_refusal *why)
{
    if (from < 0 || from >= count || to < 0 || to >= count) {
        if (why) {
            refuse_zh(why, 400, code, "未知的%s状态", what_zh);
            refuse_en(why, "unknown %s status", what_en);
        }
        return -1;
    }
    if (!(ok[from] & B(to))) {
        if (why) {
            if (from == to) {
                refuse_zh(why, 409, code, "%s已是“%s”状态", what_zh, t[from].name[0]);
                refuse_en(why, "the %s is already %s", what_en, t[from].name[1]);
            } else if (ok[from] == 0) {
                refuse_zh(why, 409, code, "%s已是“%s”，不能再改变状态", what_zh, t[from].name[0]);
                refuse_en(why, "the %s is %s: its status is final", what_en, t[from].name[1]);
            } else {
                refuse_zh(why, 409, code, "%s不能从“%s”变为“%s”", what_zh, t[from].name[0], t[to].name[0]);
                refuse_en(why, "a %s cannot go from %s to %s", what_en, t[from].name[1], t[to].name[1]);
            }
        }
        return -1;
    }
    return 0;
}

int tx_need_transition(tx_need_status from, tx_need_status to, int has_reason, tx_list_refusal *why)
{
    if (transition(need_ok, need_statuses, TX_NEED__STATUS_COUNT, (int)from, (int)to, "need_status", "需求",
                   "need", why) < 0)
        return -1;
    if (to == TX_NEED_CLOSED && !has_reason) {
        if (why) {
            refuse_zh(why, 400, "reason_required", "关闭需求须说明原因");
            refuse_en(why, "closing a need requires a reason");
        }
        return -1;
    }
    allow(why);
    return 0;
}

int tx_resource_transition(tx_resource_status from, tx_resource_status to, tx_list_refusal *why)
{
    if (transition(resource_ok, resource_statuses, TX_RESOURCE__STATUS_COUNT, (int)from, (int)to,
                   "resource_status", "资源", "resource", why) < 0) {
        /* Say why a committed resource cannot simply be withdrawn. */
        if (why && why->status == 409 && from == TX_RESOURCE_COMMITTED && to == TX_RESOURCE_WITHDRAWN) {
            refuse_zh(why, 409, "resource_status", "资源已承诺给项目，须先解除承诺才能撤回");
            refuse_en(why, "the resource is committed to projects: release the commitments before withdrawing it");
        }
        return -1;
    }
    allow(why);
    return 0;
}

int tx_project_transition(tx_project_status from, tx_project_status to, tx_list_refusal *why)
{
    if (transition(project_ok, project_statuses, TX_PROJECT__STATUS_COUNT, (int)from, (int)to, "project_status",
                   "项目", "project", why) < 0)
        return -1;
    allow(why);
    return 0;
}

/* ---- quantities ---- */

/* Quantities are compared with a little slack so that 0.1 + 0.2 committed
 * of 0.3 is not "over capacity". */
#define QTY_EPS 1e-9

int tx_list_check_quantity(double q, tx_list_refusal *why)
{
    if (!isfinite(q) || q < 0) {
        if (why) {
            refuse_zh(why, 400, "quantity", "数量须为不小于 0 的数");
            refuse_en(why, "a quantity must be a number of at least 0");
        }
        return -1;
    }
    allow(why);
    return 0;
}

int tx_resource_check_commit(tx_resource_status status, double capacity, double committed, double qty,
                             tx_list_refusal *why)
{
    if (status != TX_RESOURCE_AVAILABLE) {
        if (why) {
            const char *zh = (unsigned)status < TX_RESOURCE__STATUS_COUNT ? resource_statuses[status].name[0] : "未知";
            const char *en = (unsigned)status < TX_RESOURCE__STATUS_COUNT ? resource_statuses[status].name[1] : "unknown";
            refuse_zh(why, 409, "resource_status", "资源当前为“%s”，不能再承诺", zh);
            refuse_en(why, "the resource is %s: nothing more can be committed", en);
        }
        return -1;
    }
    if (!isfinite(qty) || qty <= 0 || !isfinite(capacity) || !isfinite(committed)) {
        if (why) {
            refuse_zh(why, 400, "quantity", "承诺数量须大于 0");
            refuse_en(why, "the quantity committed must be more than 0");
        }
        return -1;
    }
    if (committed + qty > capacity + QTY_EPS * (1 + fabs(capacity))) {
        if (why) {
            double left = capacity - committed > 0 ? capacity - committed : 0;
            refuse_zh(why, 409, "over_capacity", "超出资源容量：尚可承诺 %g，申请 %g", left, qty);
            refuse_en(why, "beyond the resource's capacity: %g left, %g asked", left, qty);
        }
        return -1;
    }
    allow(why);
    return 0;
}

tx_resource_status tx_resource_status_for(double capacity, double committed)
{
    return committed + QTY_EPS * (1 + fabs(capacity)) >= capacity ? TX_RESOURCE_COMMITTED : TX_RESOURCE_AVAILABLE;
}

/* ---- progress ---- */

static int check_part(double weight, double progress, tx_list_refusal *why)
{
    if (!isfinite(weight) || weight < 0) {
        if (why) {
            refuse_zh(why, 400, "weight", "权重须为不小于 0 的数");
            refuse_en(why, "a weight must be a number of at least 0");
        }
        return -1;
    }
    if (!isfinite(progress) || progress < 0 || progress > 100) {
        if (why) {
            refuse_zh(why, 400, "progress", "进度须在 0 到 100 之间");
            refuse_en(why, "progress must be between 0 and 100");
        }
        return -1;
    }
    return 0;
}

/* Decidim: a result's progress is the weighted average of its children's
 * when weights are given, else their plain average. Running sums for both,
 * so that one pass decides which applies. */
typedef struct {
    double wsum, wprog, sum;
    int n;
} avg;

static void avg_add(avg *a, double weight, double progress)
{
    a->wsum += weight;
    a->wprog += weight * progress;
    a->sum += progress;
    a->n++;
}

static double avg_result(const avg *a)
{
    double p;
    if (a->n == 0)
        return 0;
    p = a->wsum > 0 ? a->wprog / a->wsum : a->sum / a->n;
    /* rounding must not carry 100 × w / w past 100 */
    return p < 0 ? 0 : p > 100 ? 100 : p;
}

int tx_project_progress(const tx_project_part *parts, int n, double *out, tx_list_refusal *why)
{
    avg a = {0};
    if (n < 0 || (n > 0 && parts == NULL) || out == NULL) {
        if (why) {
            refuse_zh(why, 400, "progress", "进度数据无效");
            refuse_en(why, "invalid progress data");
        }
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (check_part(parts[i].weight, parts[i].progress, why) < 0)
            return -1;
        avg_add(&a, parts[i].weight, parts[i].done ? 100 : parts[i].progress);
    }
    *out = avg_result(&a);
    allow(why);
    return 0;
}

int tx_project_plan_progress(const tx_project_part *projects, int n, double *out, tx_list_refusal *why)
{
    return tx_project_progress(projects, n, out, why);
}

/* The progress of node i, its children first. Recursion is bounded by
 * TX_PROJECT_MAX_DEPTH (checked before); each call scans the array for
 * children, O(n²) in all, which is nothing for one street's projects
 * (hundreds) and needs no memory beyond out. */
static double rollup_node(const tx_project_node *nodes, int n, int i, double *out)
{
    avg a = {0};
    for (int j = 0; j < n; j++)
        if (nodes[j].parent == i)
            avg_add(&a, nodes[j].weight, rollup_node(nodes, n, j, out));
    /* A project marked done is done, whatever is left open below it. */
    out[i] = nodes[i].done ? 100 : a.n > 0 ? avg_result(&a) : nodes[i].progress;
    return out[i];
}

int tx_project_rollup(const tx_project_node *nodes, int n, double *out, tx_list_refusal *why)
{
    if (n < 0 || (n > 0 && (nodes == NULL || out == NULL))) {
        if (why) {
            refuse_zh(why, 400, "progress", "进度数据无效");
            refuse_en(why, "invalid progress data");
        }
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (nodes[i].parent < -1 || nodes[i].parent >= n) {
            if (why) {
                refuse_zh(why, 400, "parent", "第 %d 个项目的上级项目不存在", i + 1);
                refuse_en(why, "the parent of project %d does not exist", i + 1);
            }
            return -1;
        }
        if (check_part(nodes[i].weight, nodes[i].progress, why) < 0)
            return -1;
    }
    /* Walking up from a node reaches a top-level project within n steps,
     * unless the parents loop. */
    for (int i = 0; i < n; i++) {
        int p = nodes[i].parent, depth = 0;
        while (p >= 0 && depth <= n) {
            p = nodes[p].parent;
            depth++;
        }
        if (p >= 0) {
            if (why) {
                refuse_zh(why, 409, "project_cycle", "项目的上下级关系构成循环（第 %d 个项目是自己的上级）", i + 1);
                refuse_en(why, "the projects' parents form a cycle (project %d is its own ancestor)", i + 1);
            }
            return -1;
        }
        if (depth > TX_PROJECT_MAX_DEPTH) {
            if (why) {
                refuse_zh(why, 400, "parent", "项目层级过深（第 %d 个项目在第 %d 层，最多 %d 层）", i + 1, depth + 1,
                          TX_PROJECT_MAX_DEPTH + 1);
                refuse_en(why, "projects nested too deep (project %d is at level %d, at most %d)", i + 1, depth + 1,
                          TX_PROJECT_MAX_DEPTH + 1);
            }
            return -1;
        }
    }
    /* Nothing can fail from here: out is written. */
    for (int i = 0; i < n; i++)
        if (nodes[i].parent == -1)
            rollup_node(nodes, n, i, out);
    allow(why);
    return 0;
}
