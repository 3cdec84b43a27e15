CREATE TABLE `agri_input_edits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`input_id` integer NOT NULL,
	`action` text NOT NULL,
	`changes` text NOT NULL,
	`edited_by` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`input_id`) REFERENCES `agri_inputs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`edited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agri_input_edits_input_idx` ON `agri_input_edits` (`input_id`,`at`);--> statement-breakpoint
CREATE TABLE `farm_input_stock` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`producer_id` integer NOT NULL,
	`agri_input_id` integer NOT NULL,
	`input_lot_id` integer NOT NULL,
	`order_line_id` integer NOT NULL,
	`bought_quantity` integer NOT NULL,
	`quantity` real NOT NULL,
	`unit` text NOT NULL,
	`bought_at` integer NOT NULL,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agri_input_id`) REFERENCES `agri_inputs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`input_lot_id`) REFERENCES `input_lots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_line_id`) REFERENCES `order_lines`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "farm_input_stock_nonneg" CHECK("farm_input_stock"."quantity" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `farm_input_stock_line_unique` ON `farm_input_stock` (`order_line_id`);--> statement-breakpoint
CREATE INDEX `farm_input_stock_producer_idx` ON `farm_input_stock` (`producer_id`);--> statement-breakpoint
CREATE INDEX `farm_input_stock_lot_idx` ON `farm_input_stock` (`input_lot_id`);--> statement-breakpoint
CREATE TABLE `farm_input_uses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stock_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`event_seq` integer NOT NULL,
	`quantity` real NOT NULL,
	`used_by` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`stock_id`) REFERENCES `farm_input_stock`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`used_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "farm_input_uses_positive" CHECK("farm_input_uses"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `farm_input_uses_stock_idx` ON `farm_input_uses` (`stock_id`);--> statement-breakpoint
CREATE TABLE `input_lots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`agri_input_id` integer NOT NULL,
	`registration_no` text,
	`maker_lot_no` text NOT NULL,
	`produced_on` text NOT NULL,
	`expires_on` text NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agri_input_id`) REFERENCES `agri_inputs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `input_lots_batch_unique` ON `input_lots` (`batch_id`);--> statement-breakpoint
CREATE INDEX `input_lots_input_idx` ON `input_lots` (`agri_input_id`);--> statement-breakpoint
CREATE INDEX `input_lots_maker_lot_idx` ON `input_lots` (`maker_lot_no`);--> statement-breakpoint
ALTER TABLE `agri_inputs` ADD `retired_at` integer;--> statement-breakpoint
ALTER TABLE `agri_inputs` ADD `retired_by` integer REFERENCES users(id);