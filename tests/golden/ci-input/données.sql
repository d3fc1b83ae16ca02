-- Données : des caractères hors ASCII avant la colonne signalée.
SET lock_timeout = '5s';
/* é→😀 */ ALTER TABLE "clés" DROP COLUMN "señal";
