'use server';
import { cookies } from 'next/headers';
import { initClient } from '../../../kameleoon';

const PURCHASE_GOAL_ID = 1234; // Your goal id

/** The form's action: the visitor bought something. */
export async function trackPurchase(formData: FormData) {
  const client = await initClient();

  const visitorCode = client.getVisitorCode({ cookies });

  client.trackConversion({
    visitorCode,
    goalId: PURCHASE_GOAL_ID,
    revenue: Number(formData.get('price')),
  });
}
