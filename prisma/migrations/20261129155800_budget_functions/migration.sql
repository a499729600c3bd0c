-- Budgets (lib/budgets): the window arithmetic and the locked steps of a reservation, as SQL
-- functions so that each step is one statement of the decision's batched round trips.
-- Hand-written (the schema engine's diff ignores functions).

-- Where a budget's window starts at `t`: rolling windows are [t − window, t]; calendar windows
-- are t's day, ISO week (from Monday) or month in the budget's IANA time zone.
CREATE OR REPLACE FUNCTION budget_window_start(window_seconds integer, calendar text, time_zone text, t timestamptz)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN window_seconds IS NOT NULL THEN t - make_interval(secs => window_seconds)
              ELSE date_trunc(calendar, t AT TIME ZONE time_zone) AT TIME ZONE time_zone END
$$;

-- Where it ends: now for rolling windows; the next local midnight / Monday / first of the month
-- for calendar ones (computed in local time, so a day with a DST change is 23 or 25 hours).
CREATE OR REPLACE FUNCTION budget_window_end(window_seconds integer, calendar text, time_zone text, t timestamptz)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN window_seconds IS NOT NULL THEN t
              ELSE (date_trunc(calendar, t AT TIME ZONE time_zone) + ('1 ' || calendar)::interval) AT TIME ZONE time_zone END
$$;

-- What leaves a budget's total when its window moves from `from_at` to `to_at`: the amounts
-- reserved in between (and not released), or for a distinct budget the resources touched in
-- between that nothing later in the window touched again.
CREATE OR REPLACE FUNCTION budget_aged(b_id text, is_distinct boolean, from_at timestamptz, to_at timestamptz)
RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN is_distinct THEN (
           SELECT count(*)::numeric FROM (
             SELECT DISTINCT r.resource FROM budget_reservations r
              WHERE r.budget_id = b_id AND r.at >= from_at AND r.at < to_at AND r.state <> 'RELEASED') a
            WHERE NOT EXISTS (SELECT 1 FROM budget_reservations x
                               WHERE x.budget_id = b_id AND x.resource = a.resource AND x.at >= to_at AND x.state <> 'RELEASED'))
         ELSE (SELECT coalesce(sum(r.amount), 0) FROM budget_reservations r
                WHERE r.budget_id = b_id AND r.at >= from_at AND r.at < to_at AND r.state <> 'RELEASED') END
$$;

-- The decision's step: locks the budgets' running totals (in id order, so concurrent batches
-- can't deadlock), reads the clock once the locks are held, moves each window to that instant
-- (subtracting what aged out) and returns the totals with the budgets' settings. Every
-- reservation the batch makes is stamped with `at`, under these locks: reservations are
-- serialised per budget, in time order.
CREATE OR REPLACE FUNCTION budget_open(ids text[])
RETURNS TABLE (budget_id text, name text, version integer, scope_kind text, scope_value text, scope_name text, limit_value numeric, unit text,
               on_exceed text, approval_quorum integer, approval_timeout_seconds integer, is_distinct boolean,
               total numeric, watermark timestamptz, window_start timestamptz, window_end timestamptz, at timestamptz, exceeded_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  t timestamptz;
BEGIN
  PERFORM 1 FROM budget_states s WHERE s.budget_id = ANY(ids) ORDER BY s.budget_id FOR UPDATE;
  t := clock_timestamp();
  -- Age the windows that moved since the last decision (set-based: one statement for all).
  UPDATE budget_states s
     SET total = s.total - budget_aged(s.budget_id, w.dist, s.watermark, w.lo), watermark = w.lo
    FROM (SELECT b.id, b.distinct_by IS NOT NULL AS dist, budget_window_start(b.window_seconds, b.calendar, b.time_zone, t) AS lo
            FROM budgets b WHERE b.id = ANY(ids)) w
   WHERE s.budget_id = w.id AND w.lo > s.watermark;
  RETURN QUERY
    SELECT s.budget_id, b.name, b.version, b.scope_kind::text, b.scope_value, coalesce(a.name, b.scope_value), b.limit_value, b.unit,
           b.on_exceed::text, b.approval_quorum, b.approval_timeout_seconds, b.distinct_by IS NOT NULL,
           s.total, s.watermark, budget_window_start(b.window_seconds, b.calendar, b.time_zone, t), budget_window_end(b.window_seconds, b.calendar, b.time_zone, t), t, s.exceeded_at
      FROM budget_states s JOIN budgets b ON b.id = s.budget_id
      LEFT JOIN agents a ON b.scope_kind = 'AGENT' AND a.id = b.scope_value
     WHERE s.budget_id = ANY(ids) ORDER BY s.budget_id;
END $$;

-- A budget's total as of now without writing anything (dashboards, the `budgets` snapshot
-- policies read): the stored total less what aged out since the last decision moved it.
CREATE OR REPLACE FUNCTION budget_usage(ids text[])
RETURNS TABLE (budget_id text, total numeric, window_start timestamptz, window_end timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT s.budget_id,
         s.total - CASE WHEN lo.t > s.watermark THEN budget_aged(s.budget_id, b.distinct_by IS NOT NULL, s.watermark, lo.t) ELSE 0 END,
         lo.t,
         budget_window_end(b.window_seconds, b.calendar, b.time_zone, lo.now)
    FROM budget_states s JOIN budgets b ON b.id = s.budget_id
   CROSS JOIN LATERAL (SELECT budget_window_start(b.window_seconds, b.calendar, b.time_zone, clock_timestamp()) AS t, clock_timestamp() AS now) lo
   WHERE s.budget_id = ANY(ids)
$$;

-- The lifecycle's step: an approved action's reservations become used (`consume`); a rejected,
-- expired or failed one's are released and leave the running totals. Locks the totals first, in
-- id order, like budget_open. Returns how many reservations changed.
CREATE OR REPLACE FUNCTION budget_settle(action_ids text[], consume boolean)
RETURNS integer LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  n integer;
BEGIN
  PERFORM 1 FROM budget_states s
   WHERE s.budget_id IN (SELECT DISTINCT r.budget_id FROM budget_reservations r WHERE r.action_id = ANY(action_ids) AND r.state <> 'RELEASED')
   ORDER BY s.budget_id FOR UPDATE;
  IF consume THEN
    UPDATE budget_reservations SET state = 'USED' WHERE action_id = ANY(action_ids) AND state = 'RESERVED';
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
  END IF;
  WITH rel AS (
    UPDATE budget_reservations r SET state = 'RELEASED', released_at = clock_timestamp()
      FROM budget_states s
     WHERE r.action_id = ANY(action_ids) AND r.state <> 'RELEASED' AND s.budget_id = r.budget_id
    RETURNING r.id, r.budget_id, r.amount, r.resource, r.at >= s.watermark AS in_window
  ), gone AS (
    SELECT rel.budget_id, sum(rel.amount) AS delta FROM rel WHERE rel.in_window AND rel.resource IS NULL GROUP BY rel.budget_id
    UNION ALL
    SELECT g.budget_id, count(*)::numeric FROM (SELECT DISTINCT rel.budget_id, rel.resource FROM rel WHERE rel.in_window AND rel.resource IS NOT NULL) g
     WHERE NOT EXISTS (SELECT 1 FROM budget_reservations x JOIN budget_states s ON s.budget_id = x.budget_id
                        WHERE x.budget_id = g.budget_id AND x.resource = g.resource AND x.at >= s.watermark
                          AND x.state <> 'RELEASED' AND x.id NOT IN (SELECT rel.id FROM rel))
     GROUP BY g.budget_id
  ), applied AS (
    UPDATE budget_states s SET total = s.total - d.delta
      FROM (SELECT gone.budget_id, sum(gone.delta) AS delta FROM gone GROUP BY gone.budget_id) d
     WHERE s.budget_id = d.budget_id
    RETURNING s.budget_id
  )
  SELECT count(*) INTO n FROM rel;
  RETURN n;
END $$;
