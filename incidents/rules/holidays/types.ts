/** Shapes of the working-calendar data (docs/rules.md §2). Dates are Astana dates `YYYY-MM-DD`. */

/** A public holiday on a fixed month and day, valid for a range of years. */
export interface FixedHoliday {
  readonly id: string;
  readonly name: string;
  /** The Russian name, as in the labour calendar. */
  readonly nameRu: string;
  readonly month: number;
  readonly day: number;
  /** First year it is a day off (inclusive); absent = always. */
  readonly fromYear?: number;
  /** Last year it is a day off (inclusive); absent = still in force. */
  readonly toYear?: number;
  /**
   * Whether a Saturday/Sunday occurrence moves the day off to the next working day
   * (Law "On holidays", art. 5). Jan 7 and Kurban Ait are days off under the Labour Code
   * art. 84 and never move.
   */
  readonly movesFromWeekend: boolean;
  readonly source: string;
}

/** A government decree moving a day of rest: `workingDay` (a weekend day) is worked, `dayOff` is not. */
export interface DecreeTransfer {
  readonly workingDay: string;
  readonly dayOff: string;
  readonly act: string;
}

export type Confidence = 'official' | 'high' | 'medium' | 'provisional';

/** What is known about one year: the lunar holiday, the decrees, and the checked official list. */
export interface HolidayYear {
  readonly year: number;
  /** First day of Kurban Ait (Құрбан айт), set each year with the Spiritual Administration of Muslims. */
  readonly kurbanAit: string;
  readonly decrees: readonly DecreeTransfer[];
  /**
   * The official list of non-working weekdays (Mon–Fri) of the year as published, used by the tests
   * to check that rules + decrees derive exactly this calendar. Weekend days that are worked by
   * decree are listed in `decrees`.
   */
  readonly officialWeekdaysOff: readonly string[];
  readonly confidence: Confidence;
  /** What was checked, against which published calendar. */
  readonly checked: string;
}
