-- café in Latin-1
SELECT 1;
