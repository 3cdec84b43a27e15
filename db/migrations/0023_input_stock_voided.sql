ALTER TABLE `farm_input_stock` ADD `voided_quantity` real;--> statement-breakpoint
ALTER TABLE `farm_input_stock` ADD `voided_at` integer;