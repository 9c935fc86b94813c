// MIT-BIH for the ECG tests: the loader and the EC57-style scoring `npm run bench` uses (one definition).
export { MITDB_CONFIG, loadMitdbBeats, scoreDetections, type Score } from "../host/bench/ecg-detection.ts";
