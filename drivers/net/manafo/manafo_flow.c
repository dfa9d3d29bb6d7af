/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * rte_flow on the manafo port. A rule is recorded (a deep copy of its
 * attributes, pattern and actions) and created on every sub-device that
 * takes it, with one handle per path; like the rest of the configuration it
 * is replayed onto a VF that returns, that comes back from a recovery or
 * from INTR_RESET. A path without a flow API (MANA, netvsc: ENOSYS) is
 * fine as long as the other one takes the rule.
 *
 * Locking as the other ops (manafo_ops.c): the application's flow calls
 * run in its own context and call the sub-devices under the port lock; the
 * control thread replays under the same lock. Event callbacks never come
 * here.
 *
 * Without rte_flow_driver.h (newer DPDK releases install it no more) the
 * port has no flow API: rte_flow_* answer ENOSYS, as before.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>

#include "manafo.h"
#include "manafo_ctrl.h"

void
manafo_flow_init(struct manafo_priv *priv)
{
	memset(&priv->flows, 0, sizeof(priv->flows));
	TAILQ_INIT(&priv->flows.list);
}

#ifdef MANAFO_HAVE_FLOW
#include <rte_flow.h>
#include <rte_flow_driver.h>

/* Where a rule stands on one path. */
enum flow_path {
	FLOW_PENDING,	/* not there (yet): created by the next replay */
	FLOW_ON,	/* created, handle valid */
	FLOW_UNSUP,	/* the path refused it with ENOSYS/ENOTSUP */
};

struct rte_flow {
	TAILQ_ENTRY(rte_flow) next;
	uint32_t id;
	uint8_t path[MANAFO_NB_ROLES];		/* enum flow_path */
	struct rte_flow *handle[MANAFO_NB_ROLES];
	struct rte_flow_conv_rule *rule;	/* the deep copy, for replays */
};

/*
 * rte_flow_error.message must outlive the call and name the path: one
 * buffer per thread, rewritten by that thread's next failed flow call.
 */
static _Thread_local char flow_msg[256];

static const char *
err_text(const struct rte_flow_error *e, int ret)
{
	return e != NULL && e->message != NULL ? e->message : rte_strerror(-ret);
}

static void
set_path(struct manafo_priv *priv, struct rte_flow *f, int r, enum flow_path p)
	MANAFO_REQUIRES(priv->lock)
{
	struct manafo_flows *fl = &priv->flows;

	if (f->path[r] == FLOW_ON)
		fl->nb_on[r]--;
	else if (f->path[r] == FLOW_UNSUP)
		fl->nb_unsup[r]--;
	if (p == FLOW_ON)
		fl->nb_on[r]++;
	else if (p == FLOW_UNSUP)
		fl->nb_unsup[r]++;
	if (p != FLOW_ON)
		f->handle[r] = NULL;
	f->path[r] = (uint8_t)p;
}

/* The control thread resynchronises this path: flush it, create every rule. */
static void
want_resync(struct manafo_priv *priv, struct manafo_sub *sub, bool retry)
	MANAFO_REQUIRES(priv->lock)
{
	if (sub->state == MANAFO_SUB_ABSENT)
		return;
	priv->flows.resync[sub->role] = true;
	sub->dirty |= MANAFO_DIRTY_FLOW;
	if (retry)
		manafo_retry_config(priv, sub->role, MANAFO_RETRY_CONFIG_MS);
}

/* A rule on one path; 0 or the path's -errno (ethdev leaves it in rte_errno). */
static int
sub_create(struct manafo_sub *sub, struct rte_flow **handle, const struct rte_flow_attr *attr,
	   const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
	   struct rte_flow_error *e)
{
	rte_errno = 0;
	*handle = rte_flow_create(sub->port_id, attr, pattern, actions, e);
	if (*handle != NULL)
		return 0;
	return rte_errno > 0 ? -rte_errno : -EIO;
}

/* How a path answers a flow call. */
enum verdict {
	V_OK,
	V_LATER,	/* cannot take it now: recorded for a replay */
	V_UNSUP,	/* no flow API, or not this rule */
	V_FAIL,
};

static enum verdict
classify(struct manafo_priv *priv, struct manafo_sub *sub, int ret) MANAFO_REQUIRES(priv->lock)
{
	if (ret == 0) {
		priv->flows.api[sub->role] = MANAFO_FLOW_API_YES;
		return V_OK;
	}
	if (ret == -ENOSYS) {
		priv->flows.api[sub->role] = MANAFO_FLOW_API_NO;
		return V_UNSUP;
	}
	if (ret == -ENOTSUP)
		return V_UNSUP;
	return ret == -EBUSY ? V_LATER : V_FAIL;
}

/*
 * Before calling a path: absent or recovering ones get the rule in a
 * replay (design.md §6: the application is never refused because of a
 * reset), and one known to have no flow API is not asked.
 */
static enum verdict
precheck(struct manafo_priv *priv, struct manafo_sub *sub) MANAFO_REQUIRES(priv->lock)
{
	if (priv->flows.api[sub->role] == MANAFO_FLOW_API_NO)
		return V_UNSUP;
	if (sub->state == MANAFO_SUB_ABSENT || sub->state == MANAFO_SUB_GONE ||
	    !manafo_sub_controllable(priv, sub) || (sub->dirty & MANAFO_DIRTY_CONF))
		return V_LATER;
	return V_OK;
}

/* Created on a path meanwhile: gone again, the call fails. */
static void
undo(struct manafo_priv *priv, struct rte_flow *f) MANAFO_REQUIRES(priv->lock)
{
	struct rte_flow_error e;
	int r;

	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		if (f->path[r] == FLOW_ON &&
		    rte_flow_destroy(priv->sub[r].port_id, f->handle[r], &e) != 0)
			want_resync(priv, &priv->sub[r], true);
		set_path(priv, f, r, FLOW_PENDING);
	}
}

struct refusal {
	int ret;			/* the first refusing path's error */
	char text[MANAFO_NB_ROLES][96];	/* per path, empty if it took the rule */
};

static int
refused(struct rte_flow_error *error, const struct refusal *rf)
{
	snprintf(flow_msg, sizeof(flow_msg),
		 "manafo: no path takes the flow rule (vf: %s; synth: %s)",
		 rf->text[MANAFO_VF][0] ? rf->text[MANAFO_VF] : "-",
		 rf->text[MANAFO_SYNTH][0] ? rf->text[MANAFO_SYNTH] : "-");
	return rte_flow_error_set(error, -rf->ret, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				  flow_msg);
}

/* The sub-device's error, its message prefixed with the path's name. */
static int
path_failed(struct rte_flow_error *error, enum manafo_role role, int ret,
	    const struct rte_flow_error *e)
{
	snprintf(flow_msg, sizeof(flow_msg), "manafo: %s path: %s", manafo_role_name(role),
		 err_text(e, ret));
	return rte_flow_error_set(error, -ret, e->type, e->cause, flow_msg);
}

/*
 * One rule on every path: created when f is given, validated otherwise.
 * Fails when a path gives an error other than "not supported" or "busy",
 * or when no path took the rule and one refused it.
 */
static int
apply_paths(struct manafo_priv *priv, struct rte_flow *f, const struct rte_flow_attr *attr,
	    const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
	    struct rte_flow_error *error) MANAFO_REQUIRES(priv->lock)
{
	struct refusal rf = { .ret = 0 };
	unsigned int taken = 0;
	int r, ret;

	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		struct manafo_sub *sub = &priv->sub[r];
		struct rte_flow_error e = { .type = RTE_FLOW_ERROR_TYPE_NONE };
		enum verdict v = precheck(priv, sub);

		if (v == V_OK) {
			/* The application's objects: a sub-device's error.cause points there. */
			if (f != NULL)
				ret = sub_create(sub, &f->handle[r], attr, pattern, actions, &e);
			else
				ret = rte_flow_validate(sub->port_id, attr, pattern, actions, &e);
			v = classify(priv, sub, ret);
		} else {
			ret = v == V_UNSUP ? -ENOSYS : 0;
		}
		switch (v) {
		case V_OK:
			taken++;
			if (f != NULL)
				set_path(priv, f, r, FLOW_ON);
			break;
		case V_LATER:
			taken++;
			if (f != NULL && sub->state != MANAFO_SUB_ABSENT) {
				sub->dirty |= MANAFO_DIRTY_FLOW;
				if (ret == -EBUSY)
					manafo_retry_config(priv, sub->role,
							    MANAFO_RETRY_CONFIG_MS);
			}
			break;
		case V_UNSUP:
			if (f != NULL)
				set_path(priv, f, r, FLOW_UNSUP);
			if (rf.ret == 0)
				rf.ret = ret;
			snprintf(rf.text[r], sizeof(rf.text[r]), "%s", e.type ==
				 RTE_FLOW_ERROR_TYPE_NONE ? "no flow API" : err_text(&e, ret));
			break;
		case V_FAIL:
			if (f != NULL)
				undo(priv, f);
			return path_failed(error, (enum manafo_role)r, ret, &e);
		}
	}
	if (taken == 0 && rf.ret != 0)
		return refused(error, &rf);
	return 0;
}

static int
check_args(const struct rte_flow_attr *attr, const struct rte_flow_item pattern[],
	   const struct rte_flow_action actions[], struct rte_flow_error *error)
{
	if (attr == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR, NULL,
					  "manafo: no attributes");
	if (pattern == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM_NUM, NULL,
					  "manafo: no pattern");
	if (actions == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
					  "manafo: no actions");
	return 0;
}

static void
flow_free(struct rte_flow *f)
{
	if (f == NULL)
		return;
	free(f->rule);
	free(f);
}

/*
 * The deep copy that replays use. The process heap, not rte_malloc: only
 * the primary process has flow ops, and the leak checkers see this heap.
 */
static struct rte_flow *
flow_new(const struct rte_flow_attr *attr, const struct rte_flow_item pattern[],
	 const struct rte_flow_action actions[], struct rte_flow_error *error)
{
	const struct rte_flow_conv_rule src = {
		.attr_ro = attr, .pattern_ro = pattern, .actions_ro = actions,
	};
	struct rte_flow *f;
	int size;

	size = rte_flow_conv(RTE_FLOW_CONV_OP_RULE, NULL, 0, &src, error);
	if (size < 0)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f != NULL)
		f->rule = malloc(size);
	if (f == NULL || f->rule == NULL) {
		flow_free(f);
		rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				   "manafo: no memory for the rule's copy");
		return NULL;
	}
	if (rte_flow_conv(RTE_FLOW_CONV_OP_RULE, f->rule, size, &src, error) < 0) {
		flow_free(f);
		return NULL;
	}
	return f;
}

static int
manafo_flow_validate(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
		     const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		     struct rte_flow_error *error)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int ret = check_args(attr, pattern, actions, error);

	if (ret < 0)
		return ret;
	manafo_mutex_lock(&priv->lock);
	ret = apply_paths(priv, NULL, attr, pattern, actions, error);
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

static struct rte_flow *
manafo_flow_create(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
		   const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		   struct rte_flow_error *error)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct rte_flow *f;
	int ret;

	if (check_args(attr, pattern, actions, error) < 0)
		return NULL;
	f = flow_new(attr, pattern, actions, error);
	if (f == NULL)
		return NULL;
	manafo_mutex_lock(&priv->lock);
	ret = apply_paths(priv, f, attr, pattern, actions, error);
	if (ret == 0) {
		f->id = priv->flows.next_id++;
		TAILQ_INSERT_TAIL(&priv->flows.list, f, next);
		priv->flows.nb++;
		PORT_LOG(priv, DEBUG, "flow rule %u created (vf %s, synth %s)", f->id,
			 f->path[MANAFO_VF] == FLOW_ON ? "on" : "not yet",
			 f->path[MANAFO_SYNTH] == FLOW_ON ? "on" : "not yet");
	}
	manafo_mutex_unlock(&priv->lock);
	if (ret < 0) {
		flow_free(f);
		return NULL;
	}
	return f;
}

/*
 * Take a rule off one path. A path that cannot be called now (recovering,
 * dead, given up) forgets the handle: a recovery ends with a
 * resynchronisation, a removal with a new device. A path that refuses is
 * resynchronised by the control thread.
 */
static void
path_destroy(struct manafo_priv *priv, struct rte_flow *f, int r) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *sub = &priv->sub[r];
	struct rte_flow_error e = { .type = RTE_FLOW_ERROR_TYPE_NONE };
	int ret;

	if (f->path[r] != FLOW_ON) {
		set_path(priv, f, r, FLOW_PENDING);
		return;
	}
	if (!manafo_sub_controllable(priv, sub)) {
		want_resync(priv, sub, false);
	} else {
		ret = rte_flow_destroy(sub->port_id, f->handle[r], &e);
		if (ret != 0) {
			PORT_LOG(priv, WARNING, "%s: flow rule %u not destroyed (%s): "
				 "the path is flushed and its rules created again",
				 manafo_role_name(sub->role), f->id, err_text(&e, ret));
			want_resync(priv, sub, true);
		}
	}
	set_path(priv, f, r, FLOW_PENDING);
}

static void
flow_unlink(struct manafo_priv *priv, struct rte_flow *f) MANAFO_REQUIRES(priv->lock)
{
	int r;

	for (r = 0; r < MANAFO_NB_ROLES; r++)
		set_path(priv, f, r, FLOW_PENDING);
	TAILQ_REMOVE(&priv->flows.list, f, next);
	priv->flows.nb--;
}

static bool
flow_known(struct manafo_priv *priv, const struct rte_flow *flow) MANAFO_REQUIRES(priv->lock)
{
	const struct rte_flow *f;

	TAILQ_FOREACH(f, &priv->flows.list, next)
		if (f == flow)
			return true;
	return false;
}

static int
manafo_flow_destroy(struct rte_eth_dev *dev, struct rte_flow *flow, struct rte_flow_error *error)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int r;

	manafo_mutex_lock(&priv->lock);
	if (!flow_known(priv, flow)) {
		manafo_mutex_unlock(&priv->lock);
		return rte_flow_error_set(error, ENOENT, RTE_FLOW_ERROR_TYPE_HANDLE, flow,
					  "manafo: no such flow rule on this port");
	}
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		path_destroy(priv, flow, r);
	flow_unlink(priv, flow);
	PORT_LOG(priv, DEBUG, "flow rule %u destroyed", flow->id);
	manafo_mutex_unlock(&priv->lock);
	flow_free(flow);
	return 0;
}

/* Every rule off one path; as path_destroy for a path that cannot or will not. */
static void
path_flush(struct manafo_priv *priv, struct manafo_sub *sub) MANAFO_REQUIRES(priv->lock)
{
	struct rte_flow_error e = { .type = RTE_FLOW_ERROR_TYPE_NONE };
	int ret;

	if (priv->flows.nb_on[sub->role] == 0 && !priv->flows.resync[sub->role])
		return;
	if (!manafo_sub_controllable(priv, sub)) {
		want_resync(priv, sub, false);
		return;
	}
	ret = rte_flow_flush(sub->port_id, &e);
	if (ret != 0 && ret != -ENOSYS) {
		PORT_LOG(priv, WARNING, "%s: flow flush failed (%s): retried",
			 manafo_role_name(sub->role), err_text(&e, ret));
		want_resync(priv, sub, true);
	}
}

/* Forget every rule; the paths must have been flushed or be gone. */
static void
free_all(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	struct rte_flow *f;

	while ((f = TAILQ_FIRST(&priv->flows.list)) != NULL) {
		flow_unlink(priv, f);
		flow_free(f);
	}
}

static int
manafo_flow_flush(struct rte_eth_dev *dev, struct rte_flow_error *error __rte_unused)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int r;

	manafo_mutex_lock(&priv->lock);
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		path_flush(priv, &priv->sub[r]);
	free_all(priv);
	manafo_mutex_unlock(&priv->lock);
	return 0;
}

static int
manafo_flow_query(struct rte_eth_dev *dev __rte_unused, struct rte_flow *flow,
		  const struct rte_flow_action *action, void *data __rte_unused,
		  struct rte_flow_error *error)
{
	RTE_SET_USED(flow);
	return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, action,
				  "manafo: flow query is not supported");
}

static int
manafo_flow_isolate(struct rte_eth_dev *dev __rte_unused, int set __rte_unused,
		    struct rte_flow_error *error)
{
	return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				  "manafo: isolated mode is not supported");
}

static const struct rte_flow_ops manafo_flow_ops = {
	.validate = manafo_flow_validate,
	.create = manafo_flow_create,
	.destroy = manafo_flow_destroy,
	.flush = manafo_flow_flush,
	.query = manafo_flow_query,
	.isolate = manafo_flow_isolate,
};

int
manafo_flow_ops_get(struct rte_eth_dev *dev __rte_unused, const struct rte_flow_ops **ops)
{
	*ops = &manafo_flow_ops;
	return 0;
}

/*
 * A new device behind the role. Its driver's ops say whether it has a flow
 * API at all (MANA and netvsc have none); the rest is learned from answers.
 */
void
manafo_flow_attached(struct manafo_priv *priv, struct manafo_sub *sub)
{
	const struct rte_eth_dev *edev = &rte_eth_devices[sub->port_id];

	priv->flows.api[sub->role] = edev->dev_ops == NULL || edev->dev_ops->flow_ops_get == NULL ?
				     MANAFO_FLOW_API_NO : MANAFO_FLOW_API_UNKNOWN;
	priv->flows.resync[sub->role] = false;
}

/*
 * The device is closed (or released): its rules went with it. They stay
 * recorded, pending for the next device, which is asked again. What the
 * role answered stays too: the best guess while no device is there.
 */
void
manafo_flow_detached(struct manafo_priv *priv, struct manafo_sub *sub)
{
	struct rte_flow *f;

	TAILQ_FOREACH(f, &priv->flows.list, next)
		set_path(priv, f, sub->role, FLOW_PENDING);
	priv->flows.resync[sub->role] = false;
}

/*
 * The device was reset (RECOVERY_SUCCESS, INTR_RESET): its rules may be
 * lost, kept, or half there, and the handles may point at freed memory.
 * Destroying by handle could touch that memory in the PMD; creating fresh
 * handles next to kept rules would duplicate them. manafo owns the port,
 * so every rule on it is manafo's: the replay flushes the port (no handle
 * needed) and creates every recorded rule again, giving exactly the record.
 */
void
manafo_flow_stale(struct manafo_priv *priv, struct manafo_sub *sub)
{
	struct rte_flow *f;
	bool pending = false;

	TAILQ_FOREACH(f, &priv->flows.list, next)
		pending |= f->path[sub->role] == FLOW_PENDING;
	if (priv->flows.nb_on[sub->role] > 0)
		priv->flows.resync[sub->role] = true;
	if (priv->flows.resync[sub->role] || pending)
		sub->dirty |= MANAFO_DIRTY_FLOW;
}

/* Flush before a full replay; false when the path must wait (-EBUSY) or failed. */
static int
replay_flush(struct manafo_priv *priv, struct manafo_sub *sub) MANAFO_REQUIRES(priv->lock)
{
	struct rte_flow_error e = { .type = RTE_FLOW_ERROR_TYPE_NONE };
	struct rte_flow *f;
	int ret;

	ret = rte_flow_flush(sub->port_id, &e);
	if (ret == -EBUSY)
		return ret;
	if (ret != 0 && ret != -ENOSYS && ret != -ENOTSUP) {
		/* Creating now could duplicate kept rules: the next replay tries again. */
		priv->cnt.flow_replay_errors++;
		PORT_LOG(priv, ERR, "%s: flow flush before the replay failed (%s): "
			 "%u rules not created again", manafo_role_name(sub->role),
			 err_text(&e, ret), priv->flows.nb);
		return ret;
	}
	TAILQ_FOREACH(f, &priv->flows.list, next)
		if (f->path[sub->role] == FLOW_ON)
			set_path(priv, f, sub->role, FLOW_PENDING);
	priv->flows.resync[sub->role] = false;
	return 0;
}

/* One recorded rule onto a path; -EBUSY stops the replay, to be retried. */
static int
replay_one(struct manafo_priv *priv, struct manafo_sub *sub, struct rte_flow *f)
	MANAFO_REQUIRES(priv->lock)
{
	struct rte_flow_error e = { .type = RTE_FLOW_ERROR_TYPE_NONE };
	int r = sub->role, ret;

	ret = sub_create(sub, &f->handle[r], f->rule->attr_ro, f->rule->pattern_ro,
			 f->rule->actions_ro, &e);
	switch (classify(priv, sub, ret)) {
	case V_OK:
		set_path(priv, f, r, FLOW_ON);
		priv->cnt.flow_replays++;
		return 0;
	case V_LATER:
		f->handle[r] = NULL;
		return -EBUSY;
	case V_UNSUP:
		set_path(priv, f, r, FLOW_UNSUP);
		PORT_LOG(priv, NOTICE, "%s: flow rule %u not supported on this path (%s)%s",
			 manafo_role_name(sub->role), f->id, err_text(&e, ret),
			 f->path[r ^ 1] == FLOW_UNSUP ? ": it is on no path" : "");
		return 0;
	default:
		f->handle[r] = NULL;
		priv->cnt.flow_replay_errors++;
		PORT_LOG(priv, ERR, "%s: replay of flow rule %u failed: %s",
			 manafo_role_name(sub->role), f->id, err_text(&e, ret));
		return 0;
	}
}

/*
 * Give a sub-device every recorded rule it lacks, after a resync's flush.
 * Refusals are logged and counted, never fatal: the fail-back does not wait
 * for a rule. Only -EBUSY keeps MANAFO_DIRTY_FLOW, for a retry.
 */
int
manafo_flow_replay(struct manafo_priv *priv, struct manafo_sub *sub)
{
	struct rte_flow *f;
	int ret = 0;

	if (priv->flows.api[sub->role] == MANAFO_FLOW_API_NO) {
		/* MANA: no call, one line. */
		if (priv->flows.nb > priv->flows.nb_unsup[sub->role])
			PORT_LOG(priv, INFO, "%s: no flow API: %u flow rules not on this path",
				 manafo_role_name(sub->role), priv->flows.nb);
		TAILQ_FOREACH(f, &priv->flows.list, next)
			set_path(priv, f, sub->role, FLOW_UNSUP);
		priv->flows.resync[sub->role] = false;
		sub->dirty &= ~MANAFO_DIRTY_FLOW;
		return 0;
	}
	if (priv->flows.resync[sub->role])
		ret = replay_flush(priv, sub);
	TAILQ_FOREACH(f, &priv->flows.list, next) {
		if (ret != 0)
			break;
		if (f->path[sub->role] == FLOW_PENDING)
			ret = replay_one(priv, sub, f);
	}
	if (ret == -EBUSY)
		return ret;
	sub->dirty &= ~MANAFO_DIRTY_FLOW;
	return 0;
}

/* Port close: the rules off every path that can still be called, then freed. */
void
manafo_flow_close(struct manafo_priv *priv)
{
	struct rte_flow_error e;
	struct rte_flow *f;
	int r;

	TAILQ_FOREACH(f, &priv->flows.list, next)
		for (r = 0; r < MANAFO_NB_ROLES; r++)
			if (f->path[r] == FLOW_ON && manafo_sub_controllable(priv, &priv->sub[r]))
				rte_flow_destroy(priv->sub[r].port_id, f->handle[r], &e);
	free_all(priv);
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		priv->flows.resync[r] = false;
}

#else /* !MANAFO_HAVE_FLOW */

int
manafo_flow_ops_get(struct rte_eth_dev *dev __rte_unused, const struct rte_flow_ops **ops)
{
	*ops = NULL;	/* ethdev answers ENOSYS */
	return 0;
}

void
manafo_flow_attached(struct manafo_priv *priv __rte_unused, struct manafo_sub *sub __rte_unused)
{
}

void
manafo_flow_detached(struct manafo_priv *priv __rte_unused, struct manafo_sub *sub __rte_unused)
{
}

void
manafo_flow_stale(struct manafo_priv *priv __rte_unused, struct manafo_sub *sub __rte_unused)
{
}

int
manafo_flow_replay(struct manafo_priv *priv __rte_unused, struct manafo_sub *sub)
{
	sub->dirty &= ~MANAFO_DIRTY_FLOW;
	return 0;
}

void
manafo_flow_close(struct manafo_priv *priv __rte_unused)
{
}

#endif /* MANAFO_HAVE_FLOW */
