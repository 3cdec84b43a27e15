CREATE TABLE `courier_routes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`county_id` integer NOT NULL,
	`name` text NOT NULL,
	`depot_name` text NOT NULL,
	`depot_lat` real NOT NULL,
	`depot_lng` real NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`county_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `courier_routes_county_name_unique` ON `courier_routes` (`county_id`,`name`);--> statement-breakpoint
CREATE TABLE `delivery_point_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`from_point_id` integer NOT NULL,
	`to_point_id` integer NOT NULL,
	`reason` text NOT NULL,
	`proposed_at` integer NOT NULL,
	`consented_by` integer,
	`consented_at` integer,
	`declined_at` integer,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_point_id`) REFERENCES `delivery_points`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_point_id`) REFERENCES `delivery_points`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`consented_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `delivery_point_changes_order_idx` ON `delivery_point_changes` (`order_id`);--> statement-breakpoint
CREATE TABLE `delivery_point_operators` (
	`delivery_point_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	PRIMARY KEY(`delivery_point_id`, `user_id`),
	FOREIGN KEY (`delivery_point_id`) REFERENCES `delivery_points`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delivery_point_operators_user_idx` ON `delivery_point_operators` (`user_id`);--> statement-breakpoint
CREATE TABLE `parcel_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`parcel_id` integer NOT NULL,
	`kind` text NOT NULL,
	`actor_user_id` integer,
	`note` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`parcel_id`) REFERENCES `parcels`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `parcel_events_parcel_idx` ON `parcel_events` (`parcel_id`,`at`);--> statement-breakpoint
CREATE TABLE `parcel_items` (
	`parcel_id` integer NOT NULL,
	`order_line_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`parcel_id`, `order_line_id`),
	FOREIGN KEY (`parcel_id`) REFERENCES `parcels`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`order_line_id`) REFERENCES `order_lines`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "parcel_items_quantity_positive" CHECK("parcel_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `parcel_items_line_idx` ON `parcel_items` (`order_line_id`);--> statement-breakpoint
CREATE TABLE `parcels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`order_id` integer NOT NULL,
	`sub_order_id` integer NOT NULL,
	`producer_id` integer NOT NULL,
	`delivery_point_id` integer NOT NULL,
	`size` text NOT NULL,
	`chilled` integer DEFAULT false NOT NULL,
	`fresh` integer DEFAULT false NOT NULL,
	`volume_cm3` integer NOT NULL,
	`status` text DEFAULT 'awaiting_dispatch' NOT NULL,
	`slot_id` integer,
	`pickup_code_nonce` text,
	`failed_pickup_attempts` integer DEFAULT 0 NOT NULL,
	`pickup_locked_until` integer,
	`manifest_id` integer,
	`dispatched_at` integer,
	`arrived_at` integer,
	`hold_until` integer,
	`reminder_sent_at` integer,
	`picked_up_at` integer,
	`picked_up_by` integer,
	`return_flagged_at` integer,
	`returned_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sub_order_id`) REFERENCES `sub_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`producer_id`) REFERENCES `producers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delivery_point_id`) REFERENCES `delivery_points`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`slot_id`) REFERENCES `storage_slots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`manifest_id`) REFERENCES `route_manifests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`picked_up_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `parcels_code_unique` ON `parcels` (`code`);--> statement-breakpoint
CREATE INDEX `parcels_point_status_idx` ON `parcels` (`delivery_point_id`,`status`);--> statement-breakpoint
CREATE INDEX `parcels_order_idx` ON `parcels` (`order_id`);--> statement-breakpoint
CREATE INDEX `parcels_sub_order_idx` ON `parcels` (`sub_order_id`);--> statement-breakpoint
CREATE INDEX `parcels_status_hold_idx` ON `parcels` (`status`,`hold_until`);--> statement-breakpoint
CREATE INDEX `parcels_manifest_idx` ON `parcels` (`manifest_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `parcels_slot_occupied_unique` ON `parcels` (`slot_id`) WHERE slot_id is not null and status in ('dispatched', 'arrived', 'return_flagged');--> statement-breakpoint
CREATE TABLE `pickup_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_point_id` integer NOT NULL,
	`parcel_id` integer,
	`operator_user_id` integer,
	`success` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`delivery_point_id`) REFERENCES `delivery_points`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`parcel_id`) REFERENCES `parcels`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`operator_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `pickup_attempts_point_idx` ON `pickup_attempts` (`delivery_point_id`,`at`);--> statement-breakpoint
CREATE TABLE `route_manifests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`courier_route_id` integer NOT NULL,
	`service_date` text NOT NULL,
	`stops` text NOT NULL,
	`construction_length_m` integer NOT NULL,
	`length_m` integer NOT NULL,
	`separate_length_m` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`courier_route_id`) REFERENCES `courier_routes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `route_manifests_route_date_unique` ON `route_manifests` (`courier_route_id`,`service_date`);--> statement-breakpoint
CREATE TABLE `storage_slots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_point_id` integer NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`size` text NOT NULL,
	`chilled` integer DEFAULT false NOT NULL,
	`height_mm` integer NOT NULL,
	`width_mm` integer NOT NULL,
	`depth_mm` integer NOT NULL,
	`out_of_service` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`delivery_point_id`) REFERENCES `delivery_points`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `storage_slots_point_code_unique` ON `storage_slots` (`delivery_point_id`,`code`);--> statement-breakpoint
CREATE INDEX `storage_slots_point_size_idx` ON `storage_slots` (`delivery_point_id`,`chilled`,`size`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
-- A point may have several operators now: carry each point's one operator over before the column goes.
INSERT INTO `delivery_point_operators` (`delivery_point_id`, `user_id`) SELECT `id`, `operator_user_id` FROM `delivery_points` WHERE `operator_user_id` IS NOT NULL;--> statement-breakpoint
CREATE TABLE `__new_delivery_points` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`address` text NOT NULL,
	`county_id` integer,
	`township` text,
	`village_id` integer,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`parcel_capacity` integer,
	`opening_hours` text DEFAULT '24h' NOT NULL,
	`holding_days_fresh` integer DEFAULT 3 NOT NULL,
	`holding_days_other` integer DEFAULT 7 NOT NULL,
	`courier_route_id` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`county_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`courier_route_id`) REFERENCES `courier_routes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "delivery_points_holding_positive" CHECK("__new_delivery_points"."holding_days_fresh" > 0 and "__new_delivery_points"."holding_days_other" > 0)
);
--> statement-breakpoint
INSERT INTO `__new_delivery_points`("id", "kind", "name", "address", "county_id", "village_id", "lat", "lng", "created_at") SELECT "id", "kind", "name", "address", "county_id", "village_id", "lat", "lng", "created_at" FROM `delivery_points`;--> statement-breakpoint
DROP TABLE `delivery_points`;--> statement-breakpoint
ALTER TABLE `__new_delivery_points` RENAME TO `delivery_points`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `delivery_points_county_idx` ON `delivery_points` (`county_id`);--> statement-breakpoint
CREATE INDEX `delivery_points_route_idx` ON `delivery_points` (`courier_route_id`);--> statement-breakpoint
ALTER TABLE `listings` ADD `storage` text DEFAULT 'ambient' NOT NULL;--> statement-breakpoint
ALTER TABLE `listings` ADD `package_volume_cm3` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `delivery_point_chosen_at` integer;