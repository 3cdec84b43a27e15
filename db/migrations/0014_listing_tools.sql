CREATE TABLE `listing_variants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`listing_id` integer NOT NULL,
	`name` text NOT NULL,
	`price_fen` integer NOT NULL,
	`stock` integer NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`listing_id`) REFERENCES `listings`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "listing_variants_price_nonneg" CHECK("listing_variants"."price_fen" >= 0),
	CONSTRAINT "listing_variants_stock_nonneg" CHECK("listing_variants"."stock" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `listing_variants_listing_name_unique` ON `listing_variants` (`listing_id`,`name`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_cart_items` (
	`user_id` integer NOT NULL,
	`listing_id` integer NOT NULL,
	`variant_id` integer DEFAULT 0 NOT NULL,
	`quantity` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`user_id`, `listing_id`, `variant_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`listing_id`) REFERENCES `listings`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "cart_items_quantity_positive" CHECK("__new_cart_items"."quantity" > 0)
);
--> statement-breakpoint
INSERT INTO `__new_cart_items`("user_id", "listing_id", "variant_id", "quantity", "created_at", "updated_at") SELECT "user_id", "listing_id", 0, "quantity", "created_at", "updated_at" FROM `cart_items`;--> statement-breakpoint
DROP TABLE `cart_items`;--> statement-breakpoint
ALTER TABLE `__new_cart_items` RENAME TO `cart_items`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `listings` ADD `low_stock_threshold` integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `variant_id` integer REFERENCES listing_variants(id);--> statement-breakpoint
ALTER TABLE `plots` ADD `retired_at` integer;