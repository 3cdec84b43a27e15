CREATE TABLE `agri_inputs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text DEFAULT '' NOT NULL,
	`registration_no` text,
	`active_ingredient` text,
	`maker` text,
	`listing_id` integer,
	`created_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`listing_id`) REFERENCES `listings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agri_inputs_registration_unique` ON `agri_inputs` (`registration_no`) WHERE registration_no is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `agri_inputs_name_unique` ON `agri_inputs` (`kind`,`name_zh`);--> statement-breakpoint
CREATE INDEX `agri_inputs_ingredient_idx` ON `agri_inputs` (`active_ingredient`);--> statement-breakpoint
CREATE TABLE `banned_substances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`cas` text,
	`since` text,
	`note` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `banned_substances_name_unique` ON `banned_substances` (`name_zh`);--> statement-breakpoint
CREATE TABLE `delivery_points` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`address` text NOT NULL,
	`county_id` integer,
	`village_id` integer,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`operator_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`county_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`operator_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `delivery_points_county_idx` ON `delivery_points` (`county_id`);--> statement-breakpoint
CREATE TABLE `input_intervals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`input_id` integer NOT NULL,
	`target` text NOT NULL,
	`interval_days` integer NOT NULL,
	`max_applications` integer,
	FOREIGN KEY (`input_id`) REFERENCES `agri_inputs`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "input_intervals_days" CHECK("input_intervals"."interval_days" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `input_intervals_unique` ON `input_intervals` (`input_id`,`target`);--> statement-breakpoint
CREATE TABLE `lot_scans` (
	`batch_id` integer NOT NULL,
	`day` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`batch_id`, `day`),
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`message_key` text NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`link` text,
	`read_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`read_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`producer_id` integer NOT NULL,
	`listing_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`picked_up_at` integer,
	`hold_reason` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`listing_id`) REFERENCES `listings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_lines_quantity_positive" CHECK("order_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `order_lines_batch_idx` ON `order_lines` (`batch_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`order_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`buyer_id` integer NOT NULL,
	`status` text NOT NULL,
	`total_fen` integer NOT NULL,
	`contact_phone` text NOT NULL,
	`delivery_point_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`buyer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delivery_point_id`) REFERENCES `delivery_points`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `orders_buyer_idx` ON `orders` (`buyer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_delivery_point_idx` ON `orders` (`delivery_point_id`);--> statement-breakpoint
CREATE TABLE `plantings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plot_id` integer NOT NULL,
	`crop` text NOT NULL,
	`variety` text,
	`planted_at` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`plot_id`) REFERENCES `plots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `plantings_plot_idx` ON `plantings` (`plot_id`,`planted_at`);--> statement-breakpoint
CREATE TABLE `plots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`producer_id` integer NOT NULL,
	`name` text NOT NULL,
	`area_mu` real,
	`lat` real,
	`lng` real,
	`village_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plots_producer_name_unique` ON `plots` (`producer_id`,`name`);--> statement-breakpoint
CREATE TABLE `problem_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`kind` text NOT NULL,
	`message` text NOT NULL,
	`contact_phone` text,
	`user_id` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `problem_reports_batch_idx` ON `problem_reports` (`batch_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `problem_reports_status_idx` ON `problem_reports` (`status`);--> statement-breakpoint
CREATE TABLE `recalls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`opened_by` integer NOT NULL,
	`reason` text NOT NULL,
	`opened_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recalls_open_batch_unique` ON `recalls` (`batch_id`) WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX `recalls_opened_idx` ON `recalls` (`opened_at`);--> statement-breakpoint
CREATE TABLE `restricted_substances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`cas` text,
	`forbidden_on` text NOT NULL,
	`note` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `restricted_substances_name_unique` ON `restricted_substances` (`name_zh`);--> statement-breakpoint
CREATE TABLE `trace_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`content` text NOT NULL,
	`content_hash` text NOT NULL,
	`prev_hash` text NOT NULL,
	`event_hash` text NOT NULL,
	`signer_key_id` text NOT NULL,
	`signature` text NOT NULL,
	`recorded_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`signer_key_id`) REFERENCES `trace_keys`(`key_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trace_events_batch_seq_unique` ON `trace_events` (`batch_id`,`seq`);--> statement-breakpoint
CREATE INDEX `trace_events_type_idx` ON `trace_events` (`type`,`batch_id`);--> statement-breakpoint
CREATE TABLE `trace_keys` (
	`key_id` text PRIMARY KEY NOT NULL,
	`owner_kind` text NOT NULL,
	`producer_id` integer,
	`public_key_raw` text NOT NULL,
	`private_key_enc` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `trace_keys_producer_idx` ON `trace_keys` (`producer_id`);--> statement-breakpoint
ALTER TABLE `batches` ADD `gtin` text;--> statement-breakpoint
ALTER TABLE `batches` ADD `plot_id` integer REFERENCES plots(id);--> statement-breakpoint
ALTER TABLE `batches` ADD `planting_id` integer REFERENCES plantings(id);--> statement-breakpoint
ALTER TABLE `batches` ADD `crop` text;--> statement-breakpoint
ALTER TABLE `batches` ADD `status` text DEFAULT 'growing' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `batches_gtin_lot_unique` ON `batches` (`gtin`,`lot_code`);