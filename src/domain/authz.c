/* authz: the policy table (see authz.h). Read it as the product's access rules. */
#include "domain/authz.h"

#include <stddef.h>

#define R(x) (1u << (x))
#define STAFF (R(TX_ROLE_GRID_WORKER) | R(TX_ROLE_COMMUNITY_STAFF) | R(TX_ROLE_STREET_ADMIN) | R(TX_ROLE_DEPARTMENT_STAFF))
#define ANY_CREDENTIAL (~R(TX_ROLE_ANONYMOUS) & (R(TX_ROLE__COUNT) - 1))

static const struct {
    const char *name;
    unsigned roles;     /* roles that may take the action at all */
    int scoped;         /* the principal's scope must cover the object's place */
    const char *label[2];
} policy[TX_ACT__COUNT] = {
    [TX_ACT_PUBLIC] = {"public", R(TX_ROLE__COUNT) - 1, 0, {"查看公开信息", "read public information"}},
    [TX_ACT_SIGN_IN] = {"sign_in", R(TX_ROLE__COUNT) - 1, 0, {"登录", "sign in"}},
    [TX_ACT_SELF] = {"self", ANY_CREDENTIAL, 0, {"查看本人账号", "see your own account"}},
    [TX_ACT_AREA_WRITE] = {"area_write", R(TX_ROLE_STREET_ADMIN), 1, {"修改区域", "change areas"}},
    [TX_ACT_ORG_WRITE] = {"org_write", R(TX_ROLE_STREET_ADMIN) | R(TX_ROLE_COMMUNITY_STAFF), 1,
                          {"修改组织和成员", "change organisations and memberships"}},
    [TX_ACT_PERSON_READ] = {"person_read", STAFF, 1, {"查看个人信息", "see personal data"}},
    [TX_ACT_PERSON_WRITE] = {"person_write", R(TX_ROLE_STREET_ADMIN) | R(TX_ROLE_COMMUNITY_STAFF), 1,
                             {"修改人员信息", "change people"}},
    [TX_ACT_EXPORT_PERSONAL] = {"export_personal", R(TX_ROLE_STREET_ADMIN), 1,
                                {"导出个人信息", "export personal data"}},
    /* Holidays are national: one calendar for the deployment, not scoped. */
    [TX_ACT_CALENDAR_WRITE] = {"calendar_write", R(TX_ROLE_STREET_ADMIN), 0, {"修改工作日历", "change the working-day calendar"}},
    /* Staff queues: each sees the cases of their own scope (cut by the
     * handler); property companies see what they are sent. */
    [TX_ACT_CASE_QUEUE] = {"case_queue", STAFF | R(TX_ROLE_MEMBER_UNIT), 0, {"查看诉求工作台", "see case queues"}},
    /* Categories, deadlines and routing rules are the deployment's. */
    [TX_ACT_CATALOGUE_WRITE] = {"catalogue_write", R(TX_ROLE_STREET_ADMIN), 0,
                                {"修改诉求类别和分派规则", "change case categories and routing rules"}},
    /* A webhook hears every case event of the deployment, so it is not
     * scoped; reading them is gated too (URLs, delivered bodies). */
    [TX_ACT_WEBHOOK_WRITE] = {"webhook_write", R(TX_ROLE_STREET_ADMIN), 0, {"管理 Webhook", "manage webhooks"}},
    /* Needs, resources, projects and plans: a community's are its staff's
     * (the place is the community's area ancestry); a resource or claim
     * also has its member unit in its place, so the unit covers its own. */
    [TX_ACT_LIST_WRITE] = {"list_write", R(TX_ROLE_STREET_ADMIN) | R(TX_ROLE_COMMUNITY_STAFF) | R(TX_ROLE_MEMBER_UNIT), 1,
                           {"修改需求、资源和项目清单", "change the needs, resources and projects lists"}},
    /* Accounts and API keys: a street admin manages those scoped within
     * the street (and those without a scope); see tx_authz_grant. */
    [TX_ACT_ACCOUNT_WRITE] = {"account_write", R(TX_ROLE_STREET_ADMIN), 1,
                              {"管理账号和 API 密钥", "manage accounts and API keys"}},
};

/* A scope covers a place when the scope's area (or organisation) is the
 * place itself or one of its ancestors: a community's staff cover its grids
 * and compounds, a street admin covers its communities. */
static int covers(const tx_scope *s, const tx_place *place)
{
    if (s->kind == TX_SCOPE_AREA) {
        for (int i = 0; i < place->n_areas; i++)
            if (place->areas[i] == s->id)
                return 1;
    } else if (s->kind == TX_SCOPE_ORG) {
        for (int i = 0; i < place->n_orgs; i++)
            if (place->orgs[i] == s->id)
                return 1;
    }
    return 0;
}

tx_authz tx_authz_decide(const tx_principal *p, tx_action a, const tx_place *place)
{
    if ((unsigned)a >= TX_ACT__COUNT || (unsigned)p->role >= TX_ROLE__COUNT)
        return TX_AUTHZ_FORBIDDEN;
    if (!(policy[a].roles & R(p->role)))
        return p->role == TX_ROLE_ANONYMOUS ? TX_AUTHZ_NEED_AUTH : TX_AUTHZ_FORBIDDEN;
    if (policy[a].scoped && place != NULL && !covers(&p->scope, place))
        return TX_AUTHZ_FORBIDDEN;
    return TX_AUTHZ_ALLOW;
}

/* How far a role reaches, for "never above one's own": the roles without a
 * scope reach nothing, scoped staff their grid, community, department or
 * unit, a street admin the street. */
static int role_rank(tx_role r)
{
    switch (r) {
    case TX_ROLE_STREET_ADMIN:
        return 3;
    case TX_ROLE_COMMUNITY_STAFF:
        return 2;
    case TX_ROLE_GRID_WORKER:
    case TX_ROLE_DEPARTMENT_STAFF:
    case TX_ROLE_MEMBER_UNIT:
        return 1;
    default:
        return 0;
    }
}

tx_authz tx_authz_grant(const tx_principal *p, tx_role r, const tx_place *scope_place)
{
    if ((unsigned)r >= TX_ROLE__COUNT || r == TX_ROLE_ANONYMOUS)
        return TX_AUTHZ_FORBIDDEN;
    tx_authz d = tx_authz_decide(p, TX_ACT_ACCOUNT_WRITE, NULL);
    if (d != TX_AUTHZ_ALLOW)
        return d;
    if (role_rank(r) > role_rank(p->role))
        return TX_AUTHZ_FORBIDDEN;
    if (tx_role_scope_kind(r) == TX_SCOPE_NONE)
        return TX_AUTHZ_ALLOW; /* a resident, a volunteer, an API client: nowhere in particular */
    if (scope_place == NULL)
        return TX_AUTHZ_FORBIDDEN;
    return tx_authz_decide(p, TX_ACT_ACCOUNT_WRITE, scope_place);
}

const char *tx_action_label(tx_action a, int lang)
{
    return (unsigned)a < TX_ACT__COUNT ? policy[a].label[lang ? 1 : 0] : "";
}

const char *tx_action_name(tx_action a)
{
    return (unsigned)a < TX_ACT__COUNT ? policy[a].name : NULL;
}
