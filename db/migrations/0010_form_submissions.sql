CREATE TABLE `form_submissions` (
	`token` text PRIMARY KEY NOT NULL,
	`actor_user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`result` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `form_submissions_created_at_idx` ON `form_submissions` (`created_at`);