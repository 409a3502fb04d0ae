import PageNewDesign from '../../../components/PageNewDesign';

export default function Page() {
  return <PageNewDesign />;
}
