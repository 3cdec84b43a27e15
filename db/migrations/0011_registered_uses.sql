CREATE TABLE `toxic_substances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text DEFAULT '' NOT NULL,
	`cas` text,
	`toxicity_class` text NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`source_url` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `toxic_substances_name_unique` ON `toxic_substances` (`name_zh`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_input_intervals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`input_id` integer NOT NULL,
	`target` text NOT NULL,
	`interval_days` integer,
	`max_applications` integer,
	`prohibited` integer DEFAULT false NOT NULL,
	`degree_days` integer,
	`source` text DEFAULT '' NOT NULL,
	`quality` text,
	FOREIGN KEY (`input_id`) REFERENCES `agri_inputs`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "input_intervals_days" CHECK("__new_input_intervals"."interval_days" >= 0),
	CONSTRAINT "input_intervals_figure" CHECK("__new_input_intervals"."interval_days" is not null or "__new_input_intervals"."prohibited" = 1 or "__new_input_intervals"."degree_days" is not null)
);
--> statement-breakpoint
INSERT INTO `__new_input_intervals`("id", "input_id", "target", "interval_days", "max_applications") SELECT "id", "input_id", "target", "interval_days", "max_applications" FROM `input_intervals`;--> statement-breakpoint
DROP TABLE `input_intervals`;--> statement-breakpoint
ALTER TABLE `__new_input_intervals` RENAME TO `input_intervals`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `input_intervals_unique` ON `input_intervals` (`input_id`,`target`,`source`);--> statement-breakpoint
ALTER TABLE `agri_inputs` ADD `toxicity_class` text;--> statement-breakpoint
ALTER TABLE `banned_substances` ADD `source` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `banned_substances` ADD `source_url` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `restricted_substances` ADD `since` text;--> statement-breakpoint
ALTER TABLE `restricted_substances` ADD `source` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `restricted_substances` ADD `source_url` text DEFAULT '' NOT NULL;