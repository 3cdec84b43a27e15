CREATE TABLE `dispute_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dispute_id` integer NOT NULL,
	`author_user_id` integer NOT NULL,
	`role` text NOT NULL,
	`body` text NOT NULL,
	`photos` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`dispute_id`) REFERENCES `disputes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dispute_messages_dispute_idx` ON `dispute_messages` (`dispute_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `disputes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sub_order_id` integer NOT NULL,
	`buyer_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` integer,
	FOREIGN KEY (`sub_order_id`) REFERENCES `sub_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `disputes_sub_order_unique` ON `disputes` (`sub_order_id`);--> statement-breakpoint
CREATE INDEX `disputes_status_idx` ON `disputes` (`status`,`opened_at`);--> statement-breakpoint
CREATE TABLE `invoice_counters` (
	`producer_id` integer NOT NULL,
	`year` integer NOT NULL,
	`last_seq` integer NOT NULL,
	PRIMARY KEY(`producer_id`, `year`),
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sub_order_id` integer NOT NULL,
	`number` text NOT NULL,
	`producer_id` integer NOT NULL,
	`buyer_id` integer NOT NULL,
	`vat_treatment` text NOT NULL,
	`vat_rate_bp` integer,
	`total_fen` integer NOT NULL,
	`vat_fen` integer NOT NULL,
	`issued_at` integer NOT NULL,
	FOREIGN KEY (`sub_order_id`) REFERENCES `sub_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number_unique` ON `invoices` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_sub_order_unique` ON `invoices` (`sub_order_id`);--> statement-breakpoint
CREATE INDEX `invoices_buyer_idx` ON `invoices` (`buyer_id`,`issued_at`);--> statement-breakpoint
CREATE INDEX `invoices_producer_idx` ON `invoices` (`producer_id`,`issued_at`);--> statement-breakpoint
CREATE TABLE `ratings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sub_order_id` integer NOT NULL,
	`producer_id` integer NOT NULL,
	`buyer_id` integer NOT NULL,
	`stars` integer NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`sub_order_id`) REFERENCES `sub_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ratings_stars_range" CHECK("ratings"."stars" between 1 and 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ratings_sub_order_unique` ON `ratings` (`sub_order_id`);--> statement-breakpoint
CREATE INDEX `ratings_producer_idx` ON `ratings` (`producer_id`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sub_order_id` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`reason` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`requested_by` integer,
	`dispute_id` integer,
	`idempotency_key` text NOT NULL,
	`stripe_refund_id` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`sub_order_id`) REFERENCES `sub_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`dispute_id`) REFERENCES `disputes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refunds_amount_positive" CHECK("refunds"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_idempotency_unique` ON `refunds` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `refunds_sub_order_idx` ON `refunds` (`sub_order_id`);--> statement-breakpoint
ALTER TABLE `listings` ADD `sold_by_weight` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `listings` ADD `estimated_piece_weight_g` integer;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `sold_by_weight` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `estimated_weight_g` integer;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `actual_weight_g` integer;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `weighed_total_fen` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `capture_method` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `pay_at_pickup` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `pay_at_pickup_confirmed_by` integer REFERENCES users(id);