CREATE TRIGGER stats_buyer_days_insert AFTER INSERT ON stats_buyer_days
BEGIN
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'day', 'all', 0, NEW.day, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.day = NEW.day AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'day', 'province', NEW.province_id, NEW.day, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.day = NEW.day AND d.province_id = NEW.province_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'day', 'county', NEW.county_id, NEW.day, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.day = NEW.day AND d.county_id = NEW.county_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'day', 'village', NEW.village_id, NEW.day, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.day = NEW.day AND d.village_id = NEW.village_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id)) AND NEW.village_id IS NOT NULL
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'week', 'all', 0, NEW.week, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.week = NEW.week AND d.day BETWEEN NEW.week AND NEW.week + 6 AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'week', 'province', NEW.province_id, NEW.week, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.week = NEW.week AND d.day BETWEEN NEW.week AND NEW.week + 6 AND d.province_id = NEW.province_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'week', 'county', NEW.county_id, NEW.week, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.week = NEW.week AND d.day BETWEEN NEW.week AND NEW.week + 6 AND d.county_id = NEW.county_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'week', 'village', NEW.village_id, NEW.week, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.week = NEW.week AND d.day BETWEEN NEW.week AND NEW.week + 6 AND d.village_id = NEW.village_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id)) AND NEW.village_id IS NOT NULL
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'month', 'all', 0, NEW.month, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.month = NEW.month AND d.day BETWEEN NEW.month AND NEW.month + 30 AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'month', 'province', NEW.province_id, NEW.month, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.month = NEW.month AND d.day BETWEEN NEW.month AND NEW.month + 30 AND d.province_id = NEW.province_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'month', 'county', NEW.county_id, NEW.month, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.month = NEW.month AND d.day BETWEEN NEW.month AND NEW.month + 30 AND d.county_id = NEW.county_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT 'month', 'village', NEW.village_id, NEW.month, 1
    WHERE NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = NEW.buyer_id AND d.month = NEW.month AND d.day BETWEEN NEW.month AND NEW.month + 30 AND d.village_id = NEW.village_id AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id)) AND NEW.village_id IS NOT NULL
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;
END;
--> statement-breakpoint
CREATE TRIGGER stats_buyer_days_delete AFTER DELETE ON stats_buyer_days
BEGIN
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'day' AND region_level = 'all' AND region_id = 0 AND period = OLD.day AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.day = OLD.day);
  DELETE FROM stats_buyer_counts WHERE grain = 'day' AND region_level = 'all' AND region_id = 0 AND period = OLD.day AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'day' AND region_level = 'province' AND region_id = OLD.province_id AND period = OLD.day AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.day = OLD.day AND d.province_id = OLD.province_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'day' AND region_level = 'province' AND region_id = OLD.province_id AND period = OLD.day AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'day' AND region_level = 'county' AND region_id = OLD.county_id AND period = OLD.day AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.day = OLD.day AND d.county_id = OLD.county_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'day' AND region_level = 'county' AND region_id = OLD.county_id AND period = OLD.day AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'day' AND region_level = 'village' AND region_id = OLD.village_id AND period = OLD.day AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.day = OLD.day AND d.village_id = OLD.village_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'day' AND region_level = 'village' AND region_id = OLD.village_id AND period = OLD.day AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'week' AND region_level = 'all' AND region_id = 0 AND period = OLD.week AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.week = OLD.week AND d.day BETWEEN OLD.week AND OLD.week + 6);
  DELETE FROM stats_buyer_counts WHERE grain = 'week' AND region_level = 'all' AND region_id = 0 AND period = OLD.week AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'week' AND region_level = 'province' AND region_id = OLD.province_id AND period = OLD.week AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.week = OLD.week AND d.day BETWEEN OLD.week AND OLD.week + 6 AND d.province_id = OLD.province_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'week' AND region_level = 'province' AND region_id = OLD.province_id AND period = OLD.week AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'week' AND region_level = 'county' AND region_id = OLD.county_id AND period = OLD.week AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.week = OLD.week AND d.day BETWEEN OLD.week AND OLD.week + 6 AND d.county_id = OLD.county_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'week' AND region_level = 'county' AND region_id = OLD.county_id AND period = OLD.week AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'week' AND region_level = 'village' AND region_id = OLD.village_id AND period = OLD.week AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.week = OLD.week AND d.day BETWEEN OLD.week AND OLD.week + 6 AND d.village_id = OLD.village_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'week' AND region_level = 'village' AND region_id = OLD.village_id AND period = OLD.week AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'month' AND region_level = 'all' AND region_id = 0 AND period = OLD.month AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.month = OLD.month AND d.day BETWEEN OLD.month AND OLD.month + 30);
  DELETE FROM stats_buyer_counts WHERE grain = 'month' AND region_level = 'all' AND region_id = 0 AND period = OLD.month AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'month' AND region_level = 'province' AND region_id = OLD.province_id AND period = OLD.month AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.month = OLD.month AND d.day BETWEEN OLD.month AND OLD.month + 30 AND d.province_id = OLD.province_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'month' AND region_level = 'province' AND region_id = OLD.province_id AND period = OLD.month AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'month' AND region_level = 'county' AND region_id = OLD.county_id AND period = OLD.month AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.month = OLD.month AND d.day BETWEEN OLD.month AND OLD.month + 30 AND d.county_id = OLD.county_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'month' AND region_level = 'county' AND region_id = OLD.county_id AND period = OLD.month AND buyers = 0;
  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE grain = 'month' AND region_level = 'village' AND region_id = OLD.village_id AND period = OLD.month AND NOT EXISTS (SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = OLD.buyer_id AND d.month = OLD.month AND d.day BETWEEN OLD.month AND OLD.month + 30 AND d.village_id = OLD.village_id);
  DELETE FROM stats_buyer_counts WHERE grain = 'month' AND region_level = 'village' AND region_id = OLD.village_id AND period = OLD.month AND buyers = 0;
END;
--> statement-breakpoint
-- Counts for buyer-day rows already stored.
INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
select 'day' as grain, 'all' as region_level, 0 as region_id, day as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'day' as grain, 'province' as region_level, province_id as region_id, day as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'day' as grain, 'county' as region_level, county_id as region_id, day as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'day' as grain, 'village' as region_level, village_id as region_id, day as period, count(distinct buyer_id) as buyers
           from stats_buyer_days where village_id is not null group by 3, 4
union all
select 'week' as grain, 'all' as region_level, 0 as region_id, week as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'week' as grain, 'province' as region_level, province_id as region_id, week as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'week' as grain, 'county' as region_level, county_id as region_id, week as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'week' as grain, 'village' as region_level, village_id as region_id, week as period, count(distinct buyer_id) as buyers
           from stats_buyer_days where village_id is not null group by 3, 4
union all
select 'month' as grain, 'all' as region_level, 0 as region_id, month as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'month' as grain, 'province' as region_level, province_id as region_id, month as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'month' as grain, 'county' as region_level, county_id as region_id, month as period, count(distinct buyer_id) as buyers
           from stats_buyer_days  group by 3, 4
union all
select 'month' as grain, 'village' as region_level, village_id as region_id, month as period, count(distinct buyer_id) as buyers
           from stats_buyer_days where village_id is not null group by 3, 4;
