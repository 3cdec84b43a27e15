CREATE TABLE `producer_credit` (
	`producer_id` integer PRIMARY KEY NOT NULL,
	`score` integer,
	`components` text DEFAULT '[]' NOT NULL,
	`stale` integer DEFAULT true NOT NULL,
	`computed_at` integer,
	`sold_lots` integer,
	`sold_lots_complete` integer,
	`trace_stale` integer DEFAULT true NOT NULL,
	`trace_checked_at` integer,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `producer_credit_score_idx` ON `producer_credit` (`score`);--> statement-breakpoint
CREATE INDEX `producer_credit_stale_idx` ON `producer_credit` (`producer_id`) WHERE stale = 1;--> statement-breakpoint
CREATE INDEX `producer_credit_computed_idx` ON `producer_credit` (`computed_at`);--> statement-breakpoint
CREATE TABLE `producer_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`producer_id` integer NOT NULL,
	`kind` text NOT NULL,
	`decision` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`decided_by` integer NOT NULL,
	`decided_at` integer NOT NULL,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `producer_decisions_producer_idx` ON `producer_decisions` (`producer_id`,`decided_at`);--> statement-breakpoint
CREATE TABLE `producer_verification` (
	`producer_id` integer PRIMARY KEY NOT NULL,
	`licence_file_key` text,
	`legal_rep_name` text,
	`licence_status` text DEFAULT 'none' NOT NULL,
	`submitted_at` integer,
	`poverty_alleviation` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `producer_verification_poverty_idx` ON `producer_verification` (`producer_id`) WHERE poverty_alleviation = 1;--> statement-breakpoint
CREATE INDEX `producer_verification_status_idx` ON `producer_verification` (`licence_status`);--> statement-breakpoint
CREATE TABLE `rating_photos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rating_id` integer NOT NULL,
	`file_key` text NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`rating_id`) REFERENCES `ratings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rating_photos_rating_idx` ON `rating_photos` (`rating_id`,`position`);--> statement-breakpoint
CREATE INDEX `recalls_batch_idx` ON `recalls` (`batch_id`);