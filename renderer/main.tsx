import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { findBridge, systemClipboard } from './common/api';
import { App } from './app';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');
const api = findBridge();

createRoot(container).render(
  <StrictMode>
    {api ? (
      <App environment={{ api, clipboard: systemClipboard }} />
    ) : (
      <main className="content">
        <p className="callout is-warning" role="alert">
          This page is CID Desk&apos;s window and only works inside the CID Desk app.
        </p>
      </main>
    )}
  </StrictMode>,
);
