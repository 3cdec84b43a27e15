ALTER TABLE `refunds` ADD `reversed_fen` integer;--> statement-breakpoint
ALTER TABLE `refunds` ADD `stripe_transfer_reversal_id` text;