ALTER TABLE `problem_reports` ADD `note` text;--> statement-breakpoint
ALTER TABLE `problem_reports` ADD `handled_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `problem_reports` ADD `handled_at` integer;--> statement-breakpoint
ALTER TABLE `problem_reports` ADD `recall_id` integer REFERENCES recalls(id);