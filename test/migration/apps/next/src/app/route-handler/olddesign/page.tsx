import PageOldDesign from '../../../components/PageOldDesign';

export default function Page() {
  return <PageOldDesign />;
}
