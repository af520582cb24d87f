/** A ko/en/ja three-speaker dialogue (≈35 s of audio): language code and line. */
export const DIALOGUE = [
  ['en', 'Good morning everyone, and thank you for joining the quarterly review on such short notice.'],
  ['ko', '안녕하세요. 오늘 회의에서는 지난 분기의 매출과 새로운 프로젝트 일정을 함께 살펴보겠습니다.'],
  ['ja', 'おはようございます。きょうは あたらしい せいひんの けいかくに ついて はなします。'],
  ['en', 'Let us start with the numbers. Revenue grew by twelve percent, mostly from the new markets.'],
  ['ko', '좋습니다. 다음 주까지 자세한 보고서를 준비해서 모두에게 공유하겠습니다.'],
  ['ja', 'ありがとうございます。しつもんが あれば いつでも れんらくして ください。'],
] as const;
