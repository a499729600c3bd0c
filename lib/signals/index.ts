/**
 * Windowed signals: per scope — an agent, a cohort, and an agent version once agents have
 * versions — counters of what was decided and what happened, in 10-second buckets
 * (buckets.ts says why), kept in PostgreSQL and written in the same transaction as what they
 * count. Everything that asks "how many X in the last W" (breakers, budgets' dashboards,
 * anomaly detection, the overview, rollout guards) reads them through `countWindows`.
 *
 * Writing
 * - new decisions: `decisionSignalsSql(signals, {shard})` — prepared statements the group
 *   commit appends to its last round trip: one upsert per table per batch, aggregated here
 *   (counters per scope, the resource set of scopes that track resources, hourly usage per
 *   agent × action × resource kind);
 * - settled escalations (lib/actions settlePending) and reported results
 *   (lib/decisions reportResult): `recordCounters(run, events)` in their transactions.
 *
 * Reading
 * - `countWindows([{scope, windowSeconds, since?, distinctResources?}])` → counters per query;
 *   `metricValue(metric, counts)` turns them into a breaker metric (METRICS);
 * - `countSeries(...)` → the rolling window at each recent bucket (charts);
 * - `agentUsage()` → each active agent's hour against its 7-day baseline (anomalies).
 *
 * Rows are sharded by the writer's audit chain (`shard`) so concurrent batches never wait on
 * one another; readers sum over shards. `pruneSignals()` (hourly job) keeps 48 hours of
 * buckets and 8 days of hourly usage.
 */
export { BUCKET_SECONDS, bucketStart, bucketsIn, bucketSql, windowStartSql } from "./buckets.ts";
export { COUNTERS, zeroCounters, scopeKey, type Counter, type Counters, type ScopeRef } from "./counters.ts";
export { METRICS, METRIC_LABELS, RATE_METRICS, isRateMetric, metricValue, type Metric } from "./metrics.ts";
export { decisionSignalsSql, recordCounters, resourceKind, scopesOf, randomShard, type DecisionSignal } from "./record.ts";
export { countWindows, countWindow, countSeries, type WindowQuery, type WindowCounts, type SeriesPoint } from "./read.ts";
export { agentUsage, BASELINE_HOURS, type AgentUsage } from "./usage.ts";
export { pruneSignals, RETENTION } from "./retention.ts";
