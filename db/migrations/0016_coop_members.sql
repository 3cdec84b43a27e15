CREATE TABLE `batch_household_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`from_household_id` integer,
	`to_household_id` integer,
	`changed_by` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_household_id`) REFERENCES `coop_members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_household_id`) REFERENCES `coop_members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`changed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `batch_household_changes_batch_idx` ON `batch_household_changes` (`batch_id`);--> statement-breakpoint
CREATE TABLE `coop_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`producer_id` integer NOT NULL,
	`phone` text NOT NULL,
	`user_id` integer,
	`household_name` text NOT NULL,
	`role` text NOT NULL,
	`status` text DEFAULT 'invited' NOT NULL,
	`invited_by` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`responded_at` integer,
	`removed_at` integer,
	`removed_by` integer,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`removed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `coop_members_live_phone_unique` ON `coop_members` (`producer_id`,`phone`) WHERE status in ('invited', 'active');--> statement-breakpoint
CREATE INDEX `coop_members_phone_idx` ON `coop_members` (`phone`,`status`);--> statement-breakpoint
CREATE INDEX `coop_members_user_idx` ON `coop_members` (`user_id`,`status`);--> statement-breakpoint
ALTER TABLE `batches` ADD `household_id` integer REFERENCES coop_members(id);--> statement-breakpoint
CREATE INDEX `batches_household_idx` ON `batches` (`household_id`);