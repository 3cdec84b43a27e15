CREATE TABLE `county_officials` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`county_id` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`county_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `stats_buyer_days` (
	`day` integer NOT NULL,
	`producer_id` integer NOT NULL,
	`buyer_id` integer NOT NULL,
	`orders` integer NOT NULL,
	`week` integer NOT NULL,
	`month` integer NOT NULL,
	`province_id` integer NOT NULL,
	`county_id` integer NOT NULL,
	`village_id` integer,
	PRIMARY KEY(`day`, `producer_id`, `buyer_id`),
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stats_buyer_days_day_buyer_idx` ON `stats_buyer_days` (`day`,`buyer_id`);--> statement-breakpoint
CREATE INDEX `stats_buyer_days_week_buyer_idx` ON `stats_buyer_days` (`week`,`buyer_id`,`day`);--> statement-breakpoint
CREATE INDEX `stats_buyer_days_month_buyer_idx` ON `stats_buyer_days` (`month`,`buyer_id`,`day`);--> statement-breakpoint
CREATE INDEX `stats_buyer_days_buyer_idx` ON `stats_buyer_days` (`buyer_id`,`day`);--> statement-breakpoint
CREATE INDEX `stats_buyer_days_province_buyer_idx` ON `stats_buyer_days` (`province_id`,`buyer_id`,`day`,`week`,`month`,`county_id`,`village_id`);--> statement-breakpoint
CREATE INDEX `stats_buyer_days_county_buyer_idx` ON `stats_buyer_days` (`county_id`,`buyer_id`,`day`,`week`,`month`,`village_id`);--> statement-breakpoint
CREATE INDEX `stats_buyer_days_village_buyer_idx` ON `stats_buyer_days` (`village_id`,`buyer_id`,`day`,`week`,`month`);--> statement-breakpoint
CREATE TABLE `stats_category_daily` (
	`day` integer NOT NULL,
	`producer_id` integer NOT NULL,
	`category_id` integer NOT NULL,
	`sales_fen` integer DEFAULT 0 NOT NULL,
	`units` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `producer_id`, `category_id`),
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `stats_pickup_hours` (
	`day` integer NOT NULL,
	`producer_id` integer NOT NULL,
	`hours` integer NOT NULL,
	`parcels` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `producer_id`, `hours`),
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stats_pickup_hours_producer_idx` ON `stats_pickup_hours` (`producer_id`,`day`);--> statement-breakpoint
CREATE TABLE `stats_pickup_hours_all` (
	`day` integer NOT NULL,
	`hours` integer NOT NULL,
	`parcels` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `hours`)
);
--> statement-breakpoint
CREATE TABLE `stats_producer_daily` (
	`day` integer NOT NULL,
	`producer_id` integer NOT NULL,
	`sales_fen` integer DEFAULT 0 NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`units` integer DEFAULT 0 NOT NULL,
	`units_verified` integer DEFAULT 0 NOT NULL,
	`refund_fen` integer DEFAULT 0 NOT NULL,
	`refunds` integer DEFAULT 0 NOT NULL,
	`payout_fen` integer DEFAULT 0 NOT NULL,
	`payouts` integer DEFAULT 0 NOT NULL,
	`parcels_arrived` integer DEFAULT 0 NOT NULL,
	`parcels_picked_up` integer DEFAULT 0 NOT NULL,
	`parcels_returned` integer DEFAULT 0 NOT NULL,
	`parcels_overdue` integer DEFAULT 0 NOT NULL,
	`inspections_passed` integer DEFAULT 0 NOT NULL,
	`inspections_failed` integer DEFAULT 0 NOT NULL,
	`recalls` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `producer_id`),
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stats_producer_daily_producer_idx` ON `stats_producer_daily` (`producer_id`,`day`);