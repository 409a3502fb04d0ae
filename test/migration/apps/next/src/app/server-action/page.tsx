'use client';
import { useEffect, useState } from 'react';
import PageNewDesign from '../../components/PageNewDesign';
import PageOldDesign from '../../components/PageOldDesign';
import { getNewDesign } from './actions/getNewDesign';
import { trackPurchase } from './actions/trackPurchase';

export default function PageHome() {
  const [newDesign, setNewDesign] = useState<boolean | null>(null);

  useEffect(() => {
    getNewDesign().then(setNewDesign);
  }, []);

  if (newDesign === null) return <div></div>;

  return (
    <>
      {newDesign ? <PageNewDesign /> : <PageOldDesign />}
      <form action={trackPurchase}>
        <input type="hidden" name="price" value="42" />
        <button type="submit">Buy</button>
      </form>
    </>
  );
}
