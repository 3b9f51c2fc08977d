// A short tone, where the browser allows sound (it may not before the
// person has used the page); the page's banner says it anyway.
export function tone(frequency: number): void {
  try {
    const audio = new AudioContext();
    const oscillator = audio.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.4);
  } catch {
    // no sound here
  }
}
