CREATE TABLE `stats_buyer_counts` (
	`grain` text NOT NULL,
	`region_level` text NOT NULL,
	`region_id` integer NOT NULL,
	`period` integer NOT NULL,
	`buyers` integer NOT NULL,
	PRIMARY KEY(`grain`, `region_level`, `region_id`, `period`)
);
