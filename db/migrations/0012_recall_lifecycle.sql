CREATE TABLE `recall_dispositions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recall_id` integer NOT NULL,
	`parcel_id` integer,
	`delivery_point_id` integer,
	`kind` text NOT NULL,
	`quantity` integer NOT NULL,
	`actor_user_id` integer,
	`note` text DEFAULT '' NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`recall_id`) REFERENCES `recalls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "recall_dispositions_quantity_nonneg" CHECK("recall_dispositions"."quantity" >= 0)
);
--> statement-breakpoint
CREATE INDEX `recall_dispositions_recall_idx` ON `recall_dispositions` (`recall_id`,`delivery_point_id`);--> statement-breakpoint
ALTER TABLE `parcels` ADD `quarantined_at` integer;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_recalls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`opened_by` integer NOT NULL,
	`reason` text NOT NULL,
	`grade` integer DEFAULT 1 NOT NULL,
	`deadline_at` integer,
	`opened_at` integer NOT NULL,
	`closed_at` integer,
	`closed_by` integer,
	`close_note` text,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "recalls_grade_range" CHECK("__new_recalls"."grade" between 1 and 3)
);
--> statement-breakpoint
INSERT INTO `__new_recalls`("id", "batch_id", "opened_by", "reason", "opened_at", "closed_at") SELECT "id", "batch_id", "opened_by", "reason", "opened_at", "closed_at" FROM `recalls`;--> statement-breakpoint
DROP TABLE `recalls`;--> statement-breakpoint
ALTER TABLE `__new_recalls` RENAME TO `recalls`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `recalls_open_batch_unique` ON `recalls` (`batch_id`) WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX `recalls_opened_idx` ON `recalls` (`opened_at`);--> statement-breakpoint
ALTER TABLE `refunds` ADD `recall_id` integer;--> statement-breakpoint
ALTER TABLE `refunds` ADD `order_line_id` integer;--> statement-breakpoint
ALTER TABLE `refunds` ADD `method` text DEFAULT 'stripe' NOT NULL;--> statement-breakpoint
ALTER TABLE `refunds` ADD `paid_out_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `refunds` ADD `paid_out_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_recall_line_unique` ON `refunds` (`recall_id`,`order_line_id`) WHERE recall_id is not null;