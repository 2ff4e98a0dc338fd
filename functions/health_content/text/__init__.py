"""Text matching shared by the cause lookup and the article search: analysis (folding, words, stems) and
matching (exact, by stem, with one typo; how much each kind and a rare word weigh)."""
